package koboldj.image.nn;

/**
 * What --sdquant did to a model's weights at load.
 *
 * @param quantization the type matrices were quantised to
 * @param matrices     how many were
 * @param bytes        the memory they take now
 * @param storedBytes  the bytes they took as stored
 */
public record QuantisedWeights(WeightQuantization quantization, int matrices, long bytes, long storedBytes) {
}
