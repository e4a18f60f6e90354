package koboldj.api.image;

/**
 * How far the running image job has got, as A1111's {@code /sdapi/v1/progress} reports it.
 *
 * @param running      whether a job runs
 * @param progress     0 to 1 over the whole job
 * @param etaSeconds   seconds still to go at the pace so far
 * @param step         steps done of the image being made (sampling_step)
 * @param steps        steps of that image (sampling_steps)
 * @param image        the image being made, from 0 (job_no)
 * @param images       images of the job (job_count)
 * @param interrupted  whether the job was asked to stop
 * @param skipped      whether the current image was asked to be skipped
 * @param preview      a small PNG of the image being made, or null
 */
public record ImageProgress(boolean running, double progress, double etaSeconds, int step, int steps, int image,
        int images, boolean interrupted, boolean skipped, byte[] preview) {

    public static final ImageProgress IDLE = new ImageProgress(false, 0, 0, 0, 0, 0, 0, false, false, null);
}
