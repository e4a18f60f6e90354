package koboldj.image.nn;

import java.util.Random;

import koboldj.image.checkpoint.TensorType;

/**
 * Seconds per UNet step (cond + uncond as a batch of 2) of an SD 1.5-shaped UNet with random f16
 * weights: model channels 320, multipliers 1, 2, 4, 4, two residual blocks per level, attention on
 * the first three levels, context 768. Not a test: run by hand with
 * {@code java -cp ... koboldj.image.nn.UNetStepBenchmark [latentSide] [threads] [steps] [sdquant level 0|1|2]}.
 */
public final class UNetStepBenchmark {
    private UNetStepBenchmark() {
    }

    public static void main(String[] args) {
        int side = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        WeightQuantization quantization = WeightQuantization.ofLevel(args.length > 3 ? Integer.parseInt(args[3]) : 0);
        long start = System.nanoTime();
        MemoryTensors weights = TinyModels.checkpoint(new MemoryTensors(1, TensorType.F16, false), Family.SD1, 320,
                new int[] {1, 2, 4, 4}, 2, 3, 768, 1, 128);
        System.out.printf("random f16 weights written in %.1f s%n", seconds(start));
        start = System.nanoTime();
        try (StableDiffusion sd = StableDiffusion.load(weights, new NetworkOptions(threads, quantization, 512))) {
            QuantisedWeights quantised = sd.quantised();
            System.out.printf("loaded in %.1f s; %d matrices quantised to %s: %d MB, %d MB as stored%n", seconds(start),
                    quantised.matrices(), quantization, quantised.bytes() >> 20, quantised.storedBytes() >> 20);
            Random random = new Random(1);
            float[] latents = new float[2 * 4 * side * side];
            for (int i = 0; i < latents.length; i++) {
                latents[i] = (float) random.nextGaussian();
            }
            float[] context = new float[2 * 77 * 768];
            for (int i = 0; i < context.length; i++) {
                context[i] = (float) random.nextGaussian();
            }
            start = System.nanoTime();
            sd.predict(latents, 2, side, side, new float[] {999, 999}, context, 77);
            System.out.printf("first step (describes the graph) %.2f s%n", seconds(start));
            double total = 0;
            double totalCpu = 0;
            for (int s = 0; s < steps; s++) {
                start = System.nanoTime();
                long cpuStart = cpuNanos();
                sd.predict(latents, 2, side, side, new float[] {900 - s, 900 - s}, context, 77);
                double took = seconds(start);
                double cpu = (cpuNanos() - cpuStart) / 1e9;
                total += took;
                totalCpu += cpu;
                System.out.printf("step %d: %.2f s wall, %.2f s CPU%n", s + 1, took, cpu);
            }
            // on a shared machine the wall time depends on the others' load; CPU time / threads is what an idle one would take
            System.out.printf("UNet %dx%d latent, batch 2, %d threads: %.2f s/step wall, %.2f s CPU/step (%.2f s per thread);"
                    + " peak RSS %d MB; load average %s%n", side, side, threads, total / steps, totalCpu / steps,
                    totalCpu / steps / threads, peakRssMb(), java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
        }
        weights.close();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long peakRssMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
