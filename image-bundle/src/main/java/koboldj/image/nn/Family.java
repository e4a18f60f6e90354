package koboldj.image.nn;

/** The Stable Diffusion families the networks know, told apart by their text encoders' tensor names. */
public enum Family {
    /** SD 1.x: CLIP ViT-L/14 text encoder, UNet attention in 8 heads, convolutional transformer projections. */
    SD1,
    /** SD 2.x: OpenCLIP ViT-H/14 text encoder, UNet attention heads of 64 channels, linear projections. */
    SD2,
    /** SDXL: CLIP-L and OpenCLIP-bigG text encoders, UNet attention heads of 64 channels, the UNet's label embedding. */
    SDXL;

    /** The heads of a UNet attention of {@code channels} channels (the original configs: 8 heads, or heads of 64). */
    int unetHeads(long channels) {
        if (this == SD1) {
            return channels % 8 == 0 ? 8 : 1;
        }
        return Layers.headsOf64(channels);
    }
}
