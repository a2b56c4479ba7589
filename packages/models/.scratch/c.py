import sys, torch, json
sys.path.insert(0, '/work/main/packages/models/scripts')
from torch_resnet_check import DictConv2d, read_safetensors
steps, stride = int(sys.argv[1]), int(sys.argv[2])
sd = read_safetensors('/tmp/m/one.safetensors')
print({k: (v.shape, v.flatten()[:3]) for k, v in sd.items()})
l = DictConv2d(2, 3, stride, (steps, 1e-3, True))
l.load_state_dict({k[6:]: v for k, v in sd.items()}, strict=True)
x = torch.frombuffer(bytearray(open('/tmp/m/x.f32','rb').read()), dtype=torch.float32).reshape(1,8,8,2).permute(0,3,1,2)
ho = 8 // stride
y = torch.frombuffer(bytearray(open('/tmp/m/y.f32','rb').read()), dtype=torch.float32).reshape(1,ho,ho,3).permute(0,3,1,2)
with torch.no_grad(): z = l(x)
print('diff', float((z-y).abs().max()), float(y.abs().max()))
