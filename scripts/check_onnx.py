#!/usr/bin/python3
"""Checks every .onnx file in a folder with ONNX's own checker and strict shape inference (an implementation
independent of DeepML's writer).

    DEEPML_EXPORT_DIR=/tmp/onnx dotnet test tests/Estimators -c Release --filter "FullyQualifiedName~LayerParityTests"
    DEEPML_EXPORT_DIR=/tmp/onnx dotnet run -c Release --project examples/FashionMnist
    DEEPML_EXPORT_DIR=/tmp/onnx dotnet test tests/Core -c Release --filter "FullyQualifiedName~Quantization"   # int8 graphs
    DEEPML_EXPORT_DIR=/tmp/onnx dotnet run -c Release --project examples/Compression   # pruned, distilled, int8
    /usr/bin/python3 scripts/check_onnx.py /tmp/onnx

Needs the onnx Python package (Debian: apt-get install python3-onnx). Not part of CI.
"""
import pathlib
import sys

import onnx

failed = 0
files = sorted(pathlib.Path(sys.argv[1]).glob("*.onnx"))
for path in files:
    model = onnx.load(str(path))
    try:
        onnx.checker.check_model(model, full_check=True)
        onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        ops = sorted({n.op_type for n in model.graph.node})
        print(f"ok   {path.name}: IR {model.ir_version}, opset {[o.version for o in model.opset_import]}, ops {' '.join(ops)}")
    except Exception as e:  # the checker raises ValidationError or InferenceError
        failed += 1
        print(f"FAIL {path.name}: {e}")
print(f"checked: {len(files)}, failed: {failed}")
sys.exit(1 if failed or not files else 0)
