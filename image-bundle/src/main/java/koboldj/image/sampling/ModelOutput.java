package koboldj.image.sampling;

/** The network as trained: a scaled noisy sample at a (fractional) training timestep → its raw output (eps or v). */
@FunctionalInterface
public interface ModelOutput {

    float[] predict(float[] scaledX, double timestep);
}
