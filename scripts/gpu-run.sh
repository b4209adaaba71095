#!/usr/bin/env bash
# Runs on the GPU machine, from the repository root, after scripts/gpu-kit.sh's carries (see there).
#   bash scripts/gpu-run.sh bench   # ONNX Runtime 1.29 core + CUDA provider: benchmarks/Onnx on cpu, then cuda:0
#   bash scripts/gpu-run.sh train   # examples/AdultIncome trained (TorchSharp) and scored (ONNX Runtime) on cuda:0
# Output is also written under $OUT (the device tool brings it back) when OUT is set.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KIT="$ROOT/.gpu"
ORT=/tmp/deepml-ort
LOGS="${OUT:-/tmp/deepml-gpu-logs}"
mkdir -p "$LOGS"

assemble_ort() {
  mkdir -p "$ORT"
  [[ -f "$ORT/libdeepml_ort_bridge.so" ]] || tar -C "$ORT" -xJf "$KIT/ort/core.tar.xz"
  if [[ ! -f "$ORT/libonnxruntime_providers_cuda.so" ]]; then
    ls "$KIT"/cuda*/part >/dev/null 2>&1 || { echo "gpu-run: no .gpu/cuda*/part here: carry them first (scripts/gpu-kit.sh lists the calls)." >&2; exit 1; }
    cat "$KIT"/cuda[0-9]*/part | xz -d > "$ORT/libonnxruntime_providers_cuda.so.tmp"
    mv "$ORT/libonnxruntime_providers_cuda.so.tmp" "$ORT/libonnxruntime_providers_cuda.so"
  fi
  (cd "$ORT" && sha256sum -c "$KIT/ort/cuda.sha256")
  export DEEPML_ONNXRUNTIME_DIR="$ORT"
}

{
  echo "== machine"; nvidia-smi -L || true
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))' || true
} 2>&1 | tee "$LOGS/machine.txt"

case "${1:-}" in
  bench)
    assemble_ort
    "$KIT/bench/run.sh" --device cpu --rows 16281,1000000 --latency-calls 20000 2>&1 | tee "$LOGS/bench-cpu.txt"
    "$KIT/bench/run.sh" --device cuda:0 --rows 16281,1000000 --batch 65536 --latency-calls 20000 2>&1 | tee "$LOGS/bench-cuda.txt"
    ;;
  train)
    [[ -f "$KIT/ort/core.tar.xz" || -f "$ORT/libdeepml_ort_bridge.so" ]] && assemble_ort
    DEEPML_DEVICE=cuda:0 DEEPML_SCORING_DEVICE="${DEEPML_SCORING_DEVICE:-cuda:0}" DEEPML_THREADS=4 "$KIT/train/run.sh" 2>&1 | tee "$LOGS/train-cuda.txt"
    ;;
  *) echo "usage: scripts/gpu-run.sh bench|train" >&2; exit 2 ;;
esac
