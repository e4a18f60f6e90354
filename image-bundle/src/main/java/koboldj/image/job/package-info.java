/**
 * Image jobs: a request checked into settings, the pipeline (prompt → conditioning → sampling →
 * decoding → PNG), the bounded queue with its one worker thread, progress, interrupt, skip and
 * cancel. Talks to the networks, the tokenizer and the seed's noise through narrow interfaces; knows
 * nothing of HTTP.
 */
package koboldj.image.job;
