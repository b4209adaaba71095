using System.Text.Json;
using DeepML;
using DeepML.Estimators.Tests.Trainers;
using Microsoft.ML;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace DeepML.Estimators.Tests.Training;

/// <summary>The test extensions <see cref="TrainingExtensionTests"/> registers: each records or changes one thing.</summary>
public sealed partial class TrainingExtensionTests
{
    /// <summary>Records every hook call into a shared journal, and what the step looked like at each.</summary>
    private class Recorder(string name, List<string> journal) : ITrainingExtension
    {
        public string Name => name;
        public bool Disposed { get; private set; }
        public List<int> RowsSeen { get; } = [];
        public Tensor? Returned { get; private set; }
        public Tensor? Received { get; private set; }

        public virtual void BeforeForward(TrainingStep step)
        {
            journal.Add($"{name}.BeforeForward {step.Epoch}/{step.BatchIndex} output={(step.Output is null ? "null" : "set")}");
            RowsSeen.AddRange(step.Rows);
        }

        public virtual Tensor OnLoss(TrainingStep step, Tensor loss)
        {
            journal.Add($"{name}.OnLoss {step.Epoch}/{step.BatchIndex} output=[{string.Join(",", step.Output!.shape)}] rows={step.Rows.Count}");
            Received = loss;
            Returned = loss.mul(1.0);
            return Returned;
        }

        public bool Backward(TrainingStep step, Tensor loss)
        {
            journal.Add($"{name}.Backward");
            return false;
        }

        public void AfterStep(TrainingStep step) => journal.Add($"{name}.AfterStep {step.Epoch}/{step.BatchIndex}");

        public void EndEpoch(int epoch, Action<string> log)
        {
            journal.Add($"{name}.EndEpoch {epoch}");
            log($"{name} ended epoch {epoch}");
        }

        public virtual void Dispose()
        {
            journal.Add($"{name}.Dispose");
            Disposed = true;
        }
    }

    /// <summary>Replaces the batch's input with zeros (an augmentation's seat) and records the network's outputs.</summary>
    private sealed class ZeroInput(bool replace, List<string> journal) : Recorder("Zero", journal)
    {
        public List<float[]> Outputs { get; } = [];

        public override void BeforeForward(TrainingStep step)
        {
            if (replace)
                step.X = zeros_like(step.X);
        }

        public override Tensor OnLoss(TrainingStep step, Tensor loss)
        {
            Outputs.Add(Values(step.Output!));
            return loss;
        }
    }

    /// <summary>Adds c·Σ‖p‖² over all parameters to the loss (nothing with c = 0) and records the parameters before and after the step.</summary>
    private sealed class SquaredPenalty(Sequential network, double c) : ITrainingExtension
    {
        public string Name => "SquaredPenalty";
        public Dictionary<string, float[]> Before { get; } = [];
        public Dictionary<string, float[]> After { get; } = [];

        public Tensor OnLoss(TrainingStep step, Tensor loss)
        {
            foreach (var (name, p) in network.named_parameters())
                Before[name] = Values(p);
            if (c == 0)
                return loss;
            var penalty = network.parameters().Select(p => p.pow(2).sum()).Aggregate((x, y) => x + y);
            return loss + c * penalty;
        }

        public void AfterStep(TrainingStep step)
        {
            foreach (var (name, p) in network.named_parameters())
                After[name] = Values(p);
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Takes over the backward pass (plainly, <c>loss.backward()</c>), counting its calls.</summary>
    private sealed class BackwardOwner(string name) : ITrainingExtension
    {
        public string Name => name;
        public bool TakesOverBackward => true;
        public int Calls { get; private set; }
        public bool Disposed { get; private set; }

        public bool Backward(TrainingStep step, Tensor loss)
        {
            Calls++;
            loss.backward();
            return true;
        }

        public void Dispose() => Disposed = true;
    }

    /// <summary>
    /// State that changes the arithmetic: an anchor (an exponential moving average of the first parameter, a checkpoint
    /// tensor) and a step count (the header part); the loss gains c·(1 + steps mod 3)·‖p − anchor‖².
    /// </summary>
    private sealed class Anchor(Sequential network, bool restore = true) : ITrainingExtension
    {
        private const double C = 0.05;
        private Tensor? _anchor;

        public string Name => "Anchor";
        public long Steps { get; private set; }
        /// <summary>The anchor when the run ended (read as the run disposes the extension).</summary>
        public float[] AnchorValues { get; private set; } = [];
        private Parameter First => network.parameters().First();

        public Tensor OnLoss(TrainingStep step, Tensor loss)
        {
            _anchor ??= First.detach().clone().DetachFromDisposeScope();
            return loss + C * (1 + Steps % 3) * (First - _anchor).pow(2).sum();
        }

        public void AfterStep(TrainingStep step)
        {
            using (no_grad())
                _anchor!.mul_(0.5).add_(First.detach(), alpha: 0.5);
            Steps++;
        }

        public JsonElement? Save(IDictionary<string, Tensor> tensors)
        {
            if (_anchor is not null)
                tensors["anchor/first"] = _anchor;
            return JsonSerializer.SerializeToElement(new { Steps });
        }

        public void Restore(JsonElement? header, IReadOnlyDictionary<string, Tensor> tensors)
        {
            if (header is not { } part)
                throw new InvalidOperationException("Anchor: the checkpoint holds no anchor state.");
            if (!restore)
                return;
            Steps = part.GetProperty("Steps").GetInt64();
            _anchor = tensors["anchor/first"].clone().DetachFromDisposeScope(); // the checkpoint's tensors are freed when Fit ends
        }

        public void Dispose()
        {
            if (_anchor is null)
                return;
            AnchorValues = Values(_anchor);
            _anchor.Dispose();
            _anchor = null;
        }
    }

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>Saves one tensor under a name of the caller's choosing.</summary>
    private sealed class Squatter(string tensorName) : ITrainingExtension
    {
        private readonly Tensor _tensor = zeros(1).DetachFromDisposeScope();

        public string Name => "Squatter";

        public JsonElement? Save(IDictionary<string, Tensor> tensors)
        {
            tensors[tensorName] = _tensor;
            return null;
        }

        public void Dispose() => _tensor.Dispose();
    }
}
