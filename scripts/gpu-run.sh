#!/usr/bin/env bash
# The one prepared GPU check, run from the repository root after scripts/gpu-kit.sh's carries (see there):
#   bash scripts/gpu-run.sh
#   1. reassembles the official CUDA provider from .gpu/cuda*/part beside the official core, checks
#      every checksum, and points DEEPML_ONNXRUNTIME_DIR at that folder;
#   2. providers loaded: benchmarks/Onnx prints the native library and its providers;
#   3. scoring on cpu, then on cuda:0 (16,281 and 1M rows, rows/s), and the CUDA vs CPU parity on the
#      Adult-shaped MLP (108 -> 128 -> 64 -> 1), which must be <= 1e-5;
#   4. examples/AdultIncome trained on the CPU, then on cuda:0 (scored there too): epochs, seconds, AUC.
# A step that fails is reported (with DeepML's error, which names a missing CUDA library) and the next
# step still runs; the exit code is the number of failed steps. Logs go under $OUT when set.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KIT="$ROOT/.gpu"
ORT=/tmp/deepml-ort
LOGS="${OUT:-/tmp/deepml-gpu-logs}"
mkdir -p "$LOGS"
failed=0
step() { echo; echo "== $1"; }
fail() { echo "FAILED: $1"; failed=$((failed + 1)); }

assemble_ort() {
  (cd "$KIT" && sha256sum -c ort/parts.sha256) || return 1
  mkdir -p "$ORT"
  tar -C "$ORT" -xJf "$KIT/ort/core.tar.xz" || return 1
  if [[ ! -f "$ORT/libonnxruntime_providers_cuda.so" ]]; then
    cat "$KIT"/cuda[0-9]*/part | xz -d > "$ORT/libonnxruntime_providers_cuda.so.tmp" || return 1
    mv "$ORT/libonnxruntime_providers_cuda.so.tmp" "$ORT/libonnxruntime_providers_cuda.so"
  fi
  (cd "$ORT" && sha256sum -c "$KIT/ort/sha256")
}

{
  step "machine"
  nvidia-smi -L || echo "no nvidia-smi: no GPU here"
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))' 2>&1 | tail -n 1

  step "official CUDA provider: reassemble and check"
  if assemble_ort; then export DEEPML_ONNXRUNTIME_DIR="$ORT"; else fail "reassembling the CUDA provider"; fi

  step "scoring on cpu (providers loaded: first line)"
  "$KIT/bench/run.sh" --device cpu --rows 16281,1000000 --latency-calls 20000 2>&1 | tee "$LOGS/bench-cpu.txt"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || fail "scoring on cpu"

  step "scoring on cuda:0"
  "$KIT/bench/run.sh" --device cuda:0 --rows 16281,1000000 --batch 65536 --latency-calls 20000 2>&1 | tee "$LOGS/bench-cuda.txt"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || fail "scoring on cuda:0"
  parity=$(sed -n 's/^CUDAExecutionProvider vs CPUExecutionProvider on .* rows: max |difference| \(.*\)$/\1/p' "$LOGS/bench-cuda.txt")
  if [[ -n "$parity" ]] && python3 -c "import sys; sys.exit(0 if float('$parity') <= 1e-5 else 1)"; then
    echo "parity CUDA vs CPU: max |difference| $parity <= 1e-5: ok"
  else
    fail "parity CUDA vs CPU (max |difference| '${parity:-not measured}', limit 1e-5)"
  fi

  for device in cpu cuda:0; do
    step "examples/AdultIncome trained on $device"
    log="$LOGS/train-${device%%:*}.txt"
    DEEPML_DEVICE=$device DEEPML_SCORING_DEVICE=$device DEEPML_THREADS=4 "$KIT/train/run.sh" 2>&1 | tee "$log"
    [[ ${PIPESTATUS[0]} -eq 0 ]] || fail "training on $device"
  done

  if [[ -x "$KIT/fmnist/run.sh" ]]; then
    # The Fashion-MNIST CNN (full 60,000 / 10,000 set): 2 epochs on each device for the epoch time, then the full
    # 12 epochs on cuda:0 for the accuracy (the CPU's full run would not fit one call).
    for device in cpu cuda:0; do
      step "examples/FashionMnist CNN, 2 epochs on $device"
      FASHION_MNIST_DIR="$KIT/fmnist-data" DEEPML_DEVICE=$device "$KIT/fmnist/run.sh" --full --only cnn --epochs 2 2>&1 | tee "$LOGS/fmnist-${device%%:*}.txt"
      [[ ${PIPESTATUS[0]} -eq 0 ]] || fail "Fashion-MNIST CNN on $device"
    done
    step "examples/FashionMnist CNN, full run on cuda:0"
    FASHION_MNIST_DIR="$KIT/fmnist-data" DEEPML_DEVICE=cuda:0 "$KIT/fmnist/run.sh" --full --only cnn 2>&1 | tee "$LOGS/fmnist-cuda-full.txt"
    [[ ${PIPESTATUS[0]} -eq 0 ]] || fail "Fashion-MNIST CNN full run on cuda:0"
  fi

  step "summary"
  for f in "$LOGS"/train-cpu.txt "$LOGS"/train-cuda.txt; do
    [[ -f "$f" ]] || continue
    epochs=$(sed -n 's/^DeepML: \([0-9]*\) epochs run.*/\1/p' "$f")
    seconds=$(sed -n 's/^train_seconds: //p' "$f")
    auc=$(sed -n 's/^deepml_auc: //p' "$f")
    per=$([[ -n "$epochs" && -n "$seconds" ]] && python3 -c "print(f'{$seconds / $epochs:.2f}')" 2>/dev/null)
    echo "$(basename "$f" .txt): epochs ${epochs:-?}, train ${seconds:-?} s, ${per:-?} s/epoch, AUC ${auc:-?}"
  done
  for f in "$LOGS"/fmnist-cpu.txt "$LOGS"/fmnist-cuda.txt "$LOGS"/fmnist-cuda-full.txt; do
    [[ -f "$f" ]] && echo "$(basename "$f" .txt): $(grep -h -E '^cnn_(test_accuracy|epoch_seconds|epochs):' "$f" | tr '\n' ' ')"
  done
  grep -h "1,000,000 |" "$LOGS"/bench-cpu.txt "$LOGS"/bench-cuda.txt 2>/dev/null | head -n 2
  echo "failed steps: $failed"
} 2>&1 | tee "$LOGS/gpu-run.txt"
exit "$(sed -n 's/^failed steps: //p' "$LOGS/gpu-run.txt" | tail -n 1)"
