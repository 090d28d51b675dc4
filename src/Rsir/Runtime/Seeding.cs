using TorchSharp;

namespace Rsir.Runtime;

/// <summary>One seed for everything random: torch's CPU and CUDA generators (weight init, dropout).</summary>
public static class Seeding
{
    public static void SeedTorch(long seed)
    {
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
    }
}
