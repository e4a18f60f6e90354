package koboldj.image.job;

/** What the pipeline reports between steps and asks about stopping; implemented by the queue's job. */
interface JobControl {

    /** Image {@code image} (from 0) begins, with {@code steps} steps. */
    void imageStarted(int image, int steps);

    /** A step is done; {@code denoised} is the latest estimate, {@code [4][h][w]}, not to be kept as is. */
    void stepDone(int step, float[] denoised, int latentHeight, int latentWidth);

    /** The image's upscaler has done {@code tile} of the {@code tiles} tiles of its pass; 0 when a pass begins. */
    void upscaleTiles(int tile, int tiles);

    /** Whether to stop the whole job: cancelled (nothing is kept) or interrupted (what is made is kept). */
    boolean interrupted();

    /** Whether the client is gone: the job makes nothing more. */
    boolean cancelled();

    /** Whether the current image is to end now, and the job to go on with the next; reading it clears it. */
    boolean takeSkip();
}
