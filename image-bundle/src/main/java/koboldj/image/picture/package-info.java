/**
 * Pictures in and out: base64 PNG/JPEG/WebP decoding with size checks, PNG encoding with A1111's
 * {@code parameters} text, Lanczos and nearest resizing, A1111's resize modes, inpainting masks
 * and the final composite. Works on {@link java.awt.image.BufferedImage}s in RGB; knows nothing of HTTP.
 */
package koboldj.image.picture;
