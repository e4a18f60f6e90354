/**
 * The image routes: Automatic1111's {@code /sdapi/v1/*} and the Aphrodite-style {@code /v1} image
 * routes. Resources only read the JSON into the engine's terms, call the {@link koboldj.api.image.ImageGenerator}
 * and write A1111's shapes back.
 */
package koboldj.image.http;
