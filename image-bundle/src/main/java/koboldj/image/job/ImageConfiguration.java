package koboldj.image.job;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The koboldj.image configuration: KoboldCpp's flags --sdmodel, --sdvae, --sdupscaler, --sdthreads, --sdquant,
 * --sdclamped, --sdclampedsoft, --sdtiledvae, --sdnotile, --sdvaeauto, --sdlora and --sdloramult, koboldj's --sdtaesd
 * and --sdloradir, and limits
 * an operator may change with a {@code koboldj.image.cfg} file in --conf or {@code --set koboldj.image.KEY=VALUE}.
 */
@ObjectClassDefinition(name = "koboldj image generation")
@interface ImageConfiguration {

    /** --sdmodel: the checkpoint to load (.safetensors or .gguf); the files beside it can be switched to. */
    String sdmodel() default "";

    /** --sdvae: a VAE to use in place of the checkpoint's own. */
    String sdvae() default "";

    /** --sdupscaler: an ESRGAN (RRDBNet) upscaler, .safetensors or .gguf, offered under its file's name. */
    String sdupscaler() default "";

    /** --sdlora: a LoRA merged into the checkpoint at load (and into any checkpoint switched to). */
    String sdlora() default "";

    /** --sdloramult: the strength of the --sdlora LoRA. */
    double sdloramult() default 1.0;

    /** --sdloradir: the folder whose LoRA files a prompt's {@code <lora:NAME:WEIGHT>} tags name. */
    String sdloradir() default "";

    /** --sdthreads: CPU threads for the networks; 0 uses every core. */
    int sdthreads() default 0;

    /** --sdquant: 0 keeps the weights as stored, 1 quantises linear layers' float matrices to q8_0 at load, 2 to q4_0. */
    int sdquant() default 0;

    /** --sdclamped: the longest side a request may ask for, larger ones scaled down keeping the aspect; 0 no clamp. */
    int sdclamped() default 0;

    /** --sdclampedsoft: the largest area, as the side of a square, larger requests scaled down keeping the aspect; 0 none. */
    int sdclampedsoft() default 0;

    /** --sdtiledvae: pictures of more than this side squared pixels pass the VAE in tiles; 0 never. */
    int sdtiledvae() default 768;

    /** --sdnotile: never tile the VAE. */
    boolean sdnotile() default false;

    /** --sdtaesd: a TAESD tiny autoencoder for progress previews. */
    String sdtaesd() default "";

    /** --sdvaeauto: decode final images with the --sdtaesd autoencoder. */
    boolean sdvaeauto() default false;

    /** Longest side of a picture made or read, in pixels. */
    int maxside() default 1024;

    /** Most sampling steps of one image. */
    int maxsteps() default 150;

    /** Most images of one request (batch_size x n_iter). */
    int maximages() default 8;

    /** Requests that may wait behind the running one; more are answered 503 busy. */
    int queue() default 4;
}
