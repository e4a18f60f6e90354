package koboldj.text.sampling;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import koboldj.api.error.ApiException;
import koboldj.api.sampler.Candidates;
import koboldj.api.sampler.Sampler;
import koboldj.api.sampler.SamplerParameter;
import koboldj.api.sampler.SamplerSettings;
import koboldj.api.sampler.SamplerStep;
import koboldj.api.sampler.SamplingContext;

/**
 * Mirostat 1 and 2 (Basu et al.): keep the surprise of sampled tokens near tau by truncating to
 * the tokens whose surprise is below mu, and moving mu by eta times the error after each token.
 * Version 1 estimates the truncation from a Zipf fit of the 100 most likely tokens. mu lives in
 * the request's step, so each request has its own.
 */
@Component(property = Sampler.NAME_PROPERTY + "=" + Mirostat.NAME)
public class Mirostat implements Sampler {
    static final String NAME = "mirostat";
    static final String MODE = "mirostat";
    static final String TAU = "mirostat_tau";
    static final String ETA = "mirostat_eta";
    private static final int ZIPF_SAMPLE = 100;

    @Override
    public List<SamplerParameter> parameters() {
        return List.of(new SamplerParameter(MODE, "integer", 0, "0 off, 1 Mirostat, 2 Mirostat 2.0"),
                new SamplerParameter(TAU, "number", 5.0, "target surprise in bits"),
                new SamplerParameter(ETA, "number", 0.1, "learning rate of mu"));
    }

    @Override
    public SamplerStep prepare(SamplerSettings settings) {
        int mode = settings.integer(MODE, 0);
        double tau = settings.number(TAU, 5.0);
        double eta = settings.number(ETA, 0.1);
        if (mode < 0 || mode > 2) {
            throw ApiException.badRequest(MODE, "'mirostat' must be 0, 1 or 2, not " + mode + ".");
        }
        if (tau < 0 || eta < 0) {
            throw ApiException.badRequest(tau < 0 ? TAU : ETA, "'mirostat_tau' and 'mirostat_eta' must be 0 or more.");
        }
        return mode == 0 ? null : new Step(mode, tau, eta);
    }

    private static final class Step implements SamplerStep {
        private final int mode;
        private final double tau;
        private final double eta;
        private double mu;
        private int[] keptIds = new int[0];
        private float[] keptProbabilities = new float[0];
        private int kept;

        Step(int mode, double tau, double eta) {
            this.mode = mode;
            this.tau = tau;
            this.eta = eta;
            this.mu = 2 * tau;
        }

        @Override
        public void apply(Candidates candidates, SamplingContext context) {
            candidates.sortDescending();
            if (mode == 2) {
                int keep = 1;
                while (keep < candidates.size() && -log2(candidates.probability(keep)) <= mu) {
                    keep++;
                }
                candidates.truncate(keep);
            } else {
                candidates.truncate(zipfK(candidates));
            }
            // the probabilities the draw will use, to measure the surprise of the token it picks
            kept = candidates.size();
            if (keptIds.length < kept) {
                keptIds = new int[kept];
                keptProbabilities = new float[kept];
            }
            for (int i = 0; i < kept; i++) {
                keptIds[i] = candidates.id(i);
                keptProbabilities[i] = candidates.probability(i);
            }
        }

        private int zipfK(Candidates candidates) {
            int n = candidates.size();
            int m = Math.min(ZIPF_SAMPLE, n - 1);
            double sumTB = 0;
            double sumT2 = 0;
            for (int i = 0; i < m; i++) {
                double t = Math.log((i + 2.0) / (i + 1.0));
                double b = Math.log(candidates.probability(i) / candidates.probability(i + 1));
                sumTB += t * b;
                sumT2 += t * t;
            }
            double s = m > 0 && sumT2 > 0 ? sumTB / sumT2 : 1;
            double epsilon = s - 1;
            if (epsilon <= 0) {
                return n;
            }
            double k = Math.pow(epsilon * Math.pow(2, mu) / (1 - Math.pow(n, -epsilon)), 1 / s);
            return (int) Math.max(1, Math.min(n, Math.round(k)));
        }

        @Override
        public void accept(int token) {
            for (int i = 0; i < kept; i++) {
                if (keptIds[i] == token) {
                    mu -= eta * (-log2(keptProbabilities[i]) - tau);
                    return;
                }
            }
        }

        @Override
        public Object state() {
            return mu;
        }

        @Override
        public void restore(Object state) {
            mu = (Double) state;
        }

        private static double log2(double p) {
            return Math.log(p) / Math.log(2);
        }
    }
}
