/**
 * Diffusion sampling in plain Java, as k-diffusion and A1111 do it: noise schedules (the model's
 * training betas and the sigmas a sampler walks through), the samplers over a {@link koboldj.image.sampling.Denoiser},
 * the eps/v-prediction wrappers and classifier-free guidance. Knows nothing of networks or HTTP.
 */
package koboldj.image.sampling;
