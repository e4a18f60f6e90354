package koboldj.testing.sdcheckpoints;

/** The checkpoint layouts written: SD 1.x (CLIP-L, conv proj_in/out) and SD 2.x (OpenCLIP-H, linear proj_in/out). */
public enum SdFamily {
    SD1, SD2
}
