package koboldj.image.job;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.error.ApiException;
import koboldj.api.image.ImageGenerator;
import koboldj.api.image.ImageJob;
import koboldj.api.image.ImageLora;
import koboldj.api.image.ImageProgress;
import koboldj.api.image.ImageRequest;
import koboldj.api.image.UpscaleJob;
import koboldj.api.image.Upscaler;
import koboldj.api.model.ModelDescriptor;
import koboldj.image.checkpoint.SafetensorsFile;
import koboldj.image.lora.LoraFile;
import koboldj.image.lora.LoraFolder;
import koboldj.image.lora.LoraPrompt;
import koboldj.image.lora.WeightedLora;
import koboldj.image.picture.PictureDecoder;
import koboldj.image.picture.PngEncoder;
import koboldj.image.picture.Resizer;
import koboldj.image.sampling.SamplerKind;
import koboldj.image.sampling.ScheduleType;
import koboldj.server.http.JobProgress;

/**
 * The {@link ImageGenerator} over one loaded checkpoint at a time: requests are checked at once,
 * then queued for the worker; progress, interrupt and skip look at the running job; a model switch
 * waits for the jobs queued before it. A prompt's {@code <lora:NAME:WEIGHT>} tags name files of the LoRA folder, checked
 * against the model when queued and merged on the worker for that job only.
 */
public final class ImageEngine implements ImageGenerator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImageEngine.class);
    private static final List<String> CHECKPOINT_SUFFIXES = List.of(".safetensors", ".gguf");
    /** What A1111 reports for its Lanczos and Nearest upscalers, which resize to any size in one pass. */
    private static final int PLAIN_SCALE = 4;
    /** Lanczos and Nearest need no native library, so they run beside the worker, each on its own thread. */
    private static final Executor PLAIN_RESIZES = Executors.newVirtualThreadPerTaskExecutor();

    private final GenerationLimits limits;
    private final ModelLoader loader;
    private final Path folder;
    private final PictureDecoder pictures;
    private final JobProgress progress = new JobProgress();
    private final ImageQueue queue;
    private final SecureRandom seeds = new SecureRandom();
    /** The --sdupscaler model, or null. */
    private final EsrganModel esrgan;
    private final LoraFolder loraFolder;
    /** The --sdtaesd autoencoder, or null. */
    private final TaesdDecoder taesd;
    /** --sdvaeauto: whether the autoencoder decodes the final images. */
    private final boolean taesdDecodes;
    /** Replaced on the worker only; read anywhere. */
    private volatile LoadedModel loaded;

    /** @param first the model loaded at start; its folder holds the models one may switch to */
    public ImageEngine(LoadedModel first, Path firstPath, ModelLoader loader, GenerationLimits limits) {
        this(first, firstPath, loader, limits, null, null, false, new LoraFolder(null));
    }

    /**
     * @param esrgan       the ESRGAN upscaler, which the engine then owns, or null
     * @param taesd        the TAESD autoencoder for previews, which the engine then owns, or null
     * @param taesdDecodes whether it decodes the final images too (--sdvaeauto)
     * @param loraFolder   where the LoRAs prompts name are
     */
    ImageEngine(LoadedModel first, Path firstPath, ModelLoader loader, GenerationLimits limits, EsrganModel esrgan,
            TaesdDecoder taesd, boolean taesdDecodes, LoraFolder loraFolder) {
        this.esrgan = esrgan;
        this.loraFolder = loraFolder;
        this.taesd = taesd;
        this.taesdDecodes = taesd != null && taesdDecodes;
        if (taesd != null && !taesd.fits(first.networks())) {
            LOG.warn("The --sdtaesd autoencoder does not fit the image model's latents (channels or scale differ): previews and"
                    + " decodes do without it");
        }
        this.loaded = first;
        this.loader = loader;
        this.limits = limits;
        this.folder = firstPath.toAbsolutePath().getParent();
        this.pictures = new PictureDecoder(limits.maxSide());
        this.queue = new ImageQueue(limits.queue(), progress, this::run);
    }

    private koboldj.api.image.GeneratedImages run(QueuedJob job) {
        LoadedModel model = loaded;
        DiffusionModel networks = model.networks();
        if (taesdDecodes && taesd.fits(networks)) {
            networks = new TaesdDecodedModel(networks, taesd);
        }
        ImagePipeline pipeline = new ImagePipeline(networks, model.tokenizer(), model.noise(), model.descriptor().name());
        List<JobLoras.Use> uses = job.settings().loras().loras();
        if (uses.isEmpty()) {
            return pipeline.run(job.settings(), job);
        }
        List<LoraFile> files = new ArrayList<>();
        try {
            List<WeightedLora> weighted = new ArrayList<>();
            for (JobLoras.Use use : uses) {
                LoraFile file = LoraFile.open(use.file());
                files.add(file);
                weighted.add(new WeightedLora(file, use.textWeight(), use.unetWeight()));
            }
            model.networks().useLoras(weighted);
        } finally {
            files.forEach(LoraFile::close);
        }
        try {
            return pipeline.run(job.settings(), job);
        } finally {
            model.networks().useLoras(List.of());
        }
    }

    /**
     * The prompt's LoRA tags as files of the LoRA folder that change this model, refused naming "prompt" if a name is
     * not there, the file is no LoRA, or it changes nothing of this model.
     */
    private JobLoras askedLoras(String prompt) {
        LoraPrompt parsed;
        try {
            parsed = LoraPrompt.parse(prompt);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("prompt", "'prompt': " + e.getMessage() + ".");
        }
        if (parsed.tags().isEmpty()) {
            return JobLoras.none(prompt);
        }
        List<JobLoras.Use> uses = new ArrayList<>();
        for (LoraPrompt.Tag tag : parsed.tags()) {
            try {
                Path file = loraFolder.find(tag.name());
                try (LoraFile lora = LoraFile.open(file)) {
                    if (loaded.networks().loraLayers(lora) == 0) {
                        throw new IllegalArgumentException("the LoRA \"" + tag.name() + "\" matches no layer of the image "
                                + "model " + model().name() + " (none of its " + lora.layers().size()
                                + " layers names a weight it has)");
                    }
                }
                if (tag.textWeight() != 0 || tag.unetWeight() != 0) {
                    uses.add(new JobLoras.Use(file, tag.textWeight(), tag.unetWeight()));
                }
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw ApiException.badRequest("prompt", "'prompt': " + e.getMessage() + ".");
            }
        }
        return new JobLoras(parsed.text(), List.copyOf(uses));
    }

    @Override
    public List<ImageLora> loras() {
        List<ImageLora> loras = new ArrayList<>();
        for (LoraFolder.Entry entry : loraFolder.list()) {
            java.util.Map<String, String> metadata;
            try {
                metadata = SafetensorsFile.metadata(entry.path());
            } catch (IllegalArgumentException e) {
                metadata = java.util.Map.of();
            }
            loras.add(new ImageLora(entry.name(), entry.path(), metadata));
        }
        return List.copyOf(loras);
    }

    @Override
    public ModelDescriptor model() {
        return loaded.descriptor();
    }

    @Override
    public List<String> models() {
        if (folder == null) {
            return List.of(model().name());
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString())
                    .filter(name -> CHECKPOINT_SUFFIXES.stream().anyMatch(name.toLowerCase(Locale.ROOT)::endsWith))
                    .sorted().toList();
        } catch (IOException e) {
            LOG.warn("Listing the image models in {} failed", folder, e);
            return List.of(model().path().getFileName().toString());
        }
    }

    @Override
    public void switchModel(String name) {
        // A1111 clients send a model's title, which may end in its hash: "name.safetensors [a1b2c3d4e5]"
        String wanted = name == null ? "" : name.strip().replaceFirst("\\s*\\[[0-9a-fA-F]*\\]$", "");
        String file = models().stream()
                .filter(candidate -> candidate.equals(wanted) || stem(candidate).equals(wanted))
                .findFirst()
                .orElseThrow(() -> ApiException.badRequest("sd_model_checkpoint", "'sd_model_checkpoint' \"" + wanted
                        + "\" is not among the image models: " + String.join(", ", models()) + "."));
        if (file.equals(model().path().getFileName().toString())) {
            return;
        }
        queue.afterQueued(() -> {
            LoadedModel next;
            try {
                next = loader.load(folder.resolve(file));
            } catch (RuntimeException e) {
                LOG.error("Switching the image model to {} failed; {} stays loaded", file, model().name(), e);
                return;
            }
            LoadedModel previous = loaded;
            loaded = next;
            previous.close();
            LOG.info("Image model switched to {}", file);
        });
    }

    static String stem(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    @Override
    public List<String> samplers() {
        return SamplerKind.labels();
    }

    @Override
    public List<String> schedulers() {
        return ScheduleType.labels();
    }

    @Override
    public List<Upscaler> upscalers() {
        List<Upscaler> upscalers = new ArrayList<>();
        for (String label : Resizer.labels()) {
            upscalers.add(new Upscaler(label, PLAIN_SCALE, null));
        }
        if (esrgan != null) {
            upscalers.add(new Upscaler(esrgan.name(), esrgan.scale(), esrgan.file()));
        }
        return List.copyOf(upscalers);
    }

    private List<String> upscalerNames() {
        return upscalers().stream().map(Upscaler::name).toList();
    }

    /** The upscaler of that name (case aside), if there is one; the ESRGAN model runs on the worker only. */
    Optional<PictureUpscaler> upscaler(String name) {
        if (esrgan != null && esrgan.name().equalsIgnoreCase(name.strip())) {
            return Optional.of(esrgan);
        }
        return Resizer.byName(name).map(resizer -> resizer::resize);
    }

    @Override
    public ImageJob submit(ImageRequest asked, Consumer<ImageProgress> listener) {
        ImageRequest request = limits.clamp().apply(asked, Math.max(8, loaded.networks().vaeScale()));
        if (request != asked) {
            LOG.info("Image size {}x{} clamped to {}x{} (--sdclamped {}, --sdclampedsoft {})", asked.width(), asked.height(),
                    request.width(), request.height(), limits.clamp().side(), limits.clamp().area());
        }
        GenerationSettings settings = GenerationSettings.of(request, limits, loaded.networks().noise(),
                loaded.networks().vaeScale(), seeds);
        settings = settings.withLoras(askedLoras(request.prompt()));
        if (request.img2img() != null) {
            settings = settings.withPictures(InitPictures.of(request.img2img(), pictures));
        }
        if (request.hires() != null && request.img2img() == null) {
            settings = settings.withHires(HiresPlan.of(settings, limits, Math.max(8, loaded.networks().vaeScale()),
                    loaded.networks().noise(), this::upscaler, upscalerNames()));
        }
        QueuedJob[] self = new QueuedJob[1];
        DiffusionModel networks = loaded.networks();
        QueuedJob job = new QueuedJob(settings, listener, progress, () -> queue.withdraw(self[0]),
                taesd != null && taesd.fits(networks) ? taesd : null);
        self[0] = job;
        queue.submit(job);
        return job;
    }

    @Override
    public UpscaleJob upscale(String image, String field, String upscaler, double factor, int width, int height) {
        PictureUpscaler resizer = upscaler(upscaler == null || upscaler.isBlank() ? "Lanczos" : upscaler)
                .orElseThrow(() -> ApiException.badRequest("upscaler_1", "'upscaler_1' \"" + upscaler
                        + "\" is not an upscaler here; these are: " + String.join(", ", upscalerNames()) + "."));
        BufferedImage picture = pictures.decode(image, field);
        int targetWidth = width;
        int targetHeight = height;
        if (targetWidth <= 0 || targetHeight <= 0) {
            if (!(factor > 0 && factor <= 8)) {
                throw ApiException.badRequest("upscaling_resize", "'upscaling_resize' must be above 0 and at most 8.");
            }
            targetWidth = (int) Math.round(picture.getWidth() * factor);
            targetHeight = (int) Math.round(picture.getHeight() * factor);
        }
        int largest = 2 * limits.maxSide();
        if (targetWidth < 1 || targetHeight < 1 || targetWidth > largest || targetHeight > largest) {
            throw ApiException.badRequest("upscaling_resize", "The upscaled picture would be " + targetWidth + "x"
                    + targetHeight + " pixels; at most " + largest + " on a side.");
        }
        int toWidth = targetWidth;
        int toHeight = targetHeight;
        AtomicBoolean cancelled = new AtomicBoolean();
        CompletableFuture<BufferedImage> resized;
        if (resizer == esrgan) {
            // the network runs on the worker, beside no other graph; a client gone stops it between tiles
            resized = queue.onWorker(() -> upscaleReported(picture, toWidth, toHeight, cancelled::get));
        } else {
            resized = CompletableFuture.supplyAsync(() -> resizer.resize(picture, toWidth, toHeight), PLAIN_RESIZES);
        }
        CompletableFuture<byte[]> png = resized.thenApply(result -> PngEncoder.encode(result, null));
        return new UpscaleJob() {
            @Override
            public CompletionStage<byte[]> result() {
                return png;
            }

            @Override
            public void cancel() {
                cancelled.set(true);
            }
        };
    }

    /** The ESRGAN model's upscale, reported to /sdapi/v1/progress tile by tile, each pass a part of the job. */
    private BufferedImage upscaleReported(BufferedImage picture, int width, int height, BooleanSupplier cancelled) {
        int passes = Math.max(1, esrgan.passes(picture.getWidth(), picture.getHeight(), width, height));
        try (JobProgress.Job job = progress.start("upscale", passes, 0)) {
            return esrgan.resize(picture, width, height, new UpscaleProgress() {
                @Override
                public boolean stopped() {
                    return cancelled.getAsBoolean();
                }

                @Override
                public void tiles(int pass, int passCount, int done, int tiles) {
                    if (done == 0) {
                        job.part(pass, tiles);
                    } else {
                        job.step(done);
                    }
                }
            });
        }
    }

    @Override
    public ImageProgress progress() {
        QueuedJob job = queue.running();
        if (job == null) {
            // an upscale on the worker, between jobs
            JobProgress.Snapshot upscale = progress.snapshot();
            return !upscale.running() ? ImageProgress.IDLE : new ImageProgress(true, upscale.progress(), upscale.etaSeconds(),
                    upscale.step(), upscale.steps(), upscale.jobNumber(), upscale.jobCount(), upscale.interrupted(), false, null);
        }
        return job.snapshot(job.preview(loaded.networks().previewColours()));
    }

    @Override
    public boolean interrupt() {
        return progress.interrupt();
    }

    @Override
    public boolean skip() {
        QueuedJob job = queue.running();
        if (job == null) {
            return false;
        }
        job.skip();
        return true;
    }

    @Override
    public void close() {
        queue.close();
        loaded.close();
        if (esrgan != null) {
            esrgan.close();
        }
        if (taesd != null) {
            taesd.close();
        }
    }
}
