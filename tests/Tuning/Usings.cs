global using DeepML.Testing;
global using Xunit;
