package koboldj.image.job;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import koboldj.api.image.GeneratedImages;
import koboldj.api.image.ImageJob;
import koboldj.api.image.ImageProgress;
import koboldj.server.http.JobProgress;

/**
 * A request in the queue and, once it runs, its link to the progress report: the pipeline's
 * {@link JobControl}, the client's {@link ImageJob} handle. Flags are read by the worker and set by
 * request threads.
 */
final class QueuedJob implements ImageJob, JobControl {
    private final GenerationSettings settings;
    private final Consumer<ImageProgress> listener;
    private final CompletableFuture<GeneratedImages> result = new CompletableFuture<>();
    private final Runnable onCancel;
    private final JobProgress reports;
    private volatile boolean cancelled;
    private volatile boolean skip;
    private volatile boolean skipped;
    /** Set by the worker when the job starts. */
    private volatile JobProgress.Job progress;
    private volatile Preview latest;
    /** The image being made, from 0; set by the worker. */
    private volatile int image;
    /** Draws previews on the worker (TAESD), or null for the cheap approximation drawn where asked. */
    private final LatentPainter painter;
    private volatile boolean previewAsked;
    private volatile byte[] painted;

    /** The latest estimate of the image being made, for a preview drawn only when asked for. */
    record Preview(float[] latent, int height, int width) {
    }

    /**
     * @param reports  where the worker reports the job once it runs
     * @param onCancel takes the job out of the queue if it still waits
     */
    QueuedJob(GenerationSettings settings, Consumer<ImageProgress> listener, JobProgress reports, Runnable onCancel) {
        this(settings, listener, reports, onCancel, null);
    }

    /** @param painter draws previews on the worker when asked for, or null */
    QueuedJob(GenerationSettings settings, Consumer<ImageProgress> listener, JobProgress reports, Runnable onCancel,
            LatentPainter painter) {
        this.painter = painter;
        this.settings = settings;
        this.reports = reports;
        this.listener = listener;
        this.onCancel = onCancel;
    }

    GenerationSettings settings() {
        return settings;
    }

    CompletableFuture<GeneratedImages> future() {
        return result;
    }

    void started(JobProgress.Job job) {
        this.progress = job;
    }

    @Override
    public CompletionStage<GeneratedImages> result() {
        return result;
    }

    @Override
    public void cancel() {
        cancelled = true;
        onCancel.run();
    }

    @Override
    public void imageStarted(int image, int steps) {
        this.image = image;
        progress.part(image, steps);
        skipped = false;
        latest = null;
        painted = null;
    }

    @Override
    public void stepDone(int step, float[] denoised, int latentHeight, int latentWidth) {
        progress.step(step);
        latest = new Preview(denoised, latentHeight, latentWidth);
        if (painter != null && previewAsked) {
            // drawn here, where the image graphs run, only when /progress asked since the last one
            previewAsked = false;
            byte[] png = painter.png(denoised, latentHeight, latentWidth);
            painted = png == null ? painted : png;
        }
        listener.accept(snapshot(null));
    }

    @Override
    public void upscaleTiles(int tile, int tiles) {
        // the upscale counts as the image's steps until its second pass starts
        if (tile == 0) {
            progress.part(image, tiles);
        } else {
            progress.step(tile);
        }
        listener.accept(snapshot(null));
    }

    @Override
    public boolean interrupted() {
        return cancelled || progress.interrupted();
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public boolean takeSkip() {
        if (!skip) {
            return false;
        }
        skip = false;
        skipped = true;
        return true;
    }

    void skip() {
        skip = true;
    }

    Preview latest() {
        return latest;
    }

    /**
     * The latest preview PNG of the image being made, or null before its first step: the painter's, drawn at the step
     * after it was last asked for (so the next look shows a newer one), else the cheap approximation of the latest step
     * in the model's latent {@code colours}.
     */
    byte[] preview(float[][] colours) {
        Preview now = latest;
        if (painter != null) {
            previewAsked = true;
            byte[] png = painted;
            if (png != null) {
                return png;
            }
        }
        return now == null ? null : LatentPreview.png(now.latent(), now.height(), now.width(), colours);
    }

    /** The progress the job's listener and /progress report; {@code preview} is a PNG or null. */
    ImageProgress snapshot(byte[] preview) {
        JobProgress.Snapshot now = reports.snapshot();
        if (progress == null || !now.running()) {
            return ImageProgress.IDLE;
        }
        return new ImageProgress(true, now.progress(), now.etaSeconds(), now.step(), now.steps(), now.jobNumber(),
                now.jobCount(), now.interrupted(), skipped || skip, preview);
    }
}
