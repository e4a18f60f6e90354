package koboldj.testing.sdcheckpoints;

/**
 * The checkpoint layouts written: SD 1.x (CLIP-L, conv proj_in/out), SD 2.x (OpenCLIP-H, linear proj_in/out) and
 * SDXL (CLIP-L and OpenCLIP-bigG under {@code conditioner.embedders.*}, linear proj_in/out, the UNet's label embedding).
 */
public enum SdFamily {
    SD1, SD2, SDXL
}
