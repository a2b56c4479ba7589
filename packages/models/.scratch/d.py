import sys, torch
sys.path.insert(0, '/work/main/packages/models/scripts')
from torch_resnet_check import ResNet, read_safetensors
import torch.nn.functional as F
m = ResNet([1,1,1,1],[4,8,16,32],10,3,(3,float(sys.argv[1]),True))
m.load_state_dict(read_safetensors('/tmp/m/r.safetensors'), strict=True); m.eval()
x = torch.frombuffer(bytearray(open('/tmp/m/x.f32','rb').read()), dtype=torch.float32).reshape(2,16,16,3).permute(0,3,1,2)
def ld(n, shape):
    t = torch.frombuffer(bytearray(open(f'/tmp/m/o-{n}.f32','rb').read()), dtype=torch.float32)
    return t.reshape(shape).permute(0,3,1,2) if len(shape)==4 else t.reshape(shape)
with torch.no_grad():
    c1 = m.conv1(x); b1 = m.bn1(c1); l10 = m.layer1[0].conv1(b1); l1 = m.layer1(b1); l20 = m.layer2[0].conv1(l1); l2 = m.layer2(l1); l3 = m.layer3(l2); l4 = m.layer4(l3)
    lin = m.linear(F.adaptive_avg_pool2d(l4,1).flatten(1))
for n, t in [('conv1', c1), ('bn1', b1), ('layer1.0.conv1', l10), ('layer1.0.relu', l1), ('layer2.0.conv1', l20), ('layer2.0.relu', l2), ('layer3.0.relu', l3), ('layer4.0.relu', l4), ('linear', lin)]:
    shape = [t.shape[0]] + list(t.shape[2:]) + [t.shape[1]] if t.dim()==4 else list(t.shape)
    r = ld(n, shape)
    print(n, float((r - t).abs().max()), float(t.abs().max()))
