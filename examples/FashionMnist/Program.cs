// Fashion-MNIST end to end. Each run lives in its own file; this file only calls them.
// Default: the repository's subset (6,000 train / 2,000 test) and few epochs, for CI.
// --full (or DEEPML_FULL=1): the official 60,000 / 10,000 files from /work/shared/datasets/fashion-mnist,
// /usr/share/datasets/fashion-mnist or FASHION_MNIST_DIR.
using DeepML.Examples;

var full = args.Contains("--full") || Environment.GetEnvironmentVariable("DEEPML_FULL") == "1";
LstmRun.Run(full);
