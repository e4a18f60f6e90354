package koboldj.server.capabilities;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.glassfish.jersey.server.model.Resource;
import org.junit.jupiter.api.Test;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import koboldj.api.capability.CapabilityDescriptor;
import koboldj.api.capability.KoboldCppKeys;

class ServedRoutesTest {

    /** Resources as koboldj's bundles write them: the class at "", the whole path on each method. */
    @Path("")
    public static class Embeddings {
        @POST
        @Path("v1/embeddings")
        public String openAi() {
            return "";
        }

        @POST
        @Path("api/extra/embeddings")
        public String kobold() {
            return "";
        }
    }

    @Path("")
    public static class OnlyOpenAiEmbeddings {
        @POST
        @Path("/v1/embeddings/")
        public String openAi() {
            return "";
        }
    }

    @Path("api")
    public static class Multiplayer {
        @GET
        @Path("extra/multiplayer/status")
        public String status() {
            return "";
        }
    }

    @Test
    void aCapabilityIsServedOnceEachOfItsRoutesHasAResource() {
        ServedRoutes served = ServedRoutes.of(List.of(Resource.from(Embeddings.class), Resource.from(Multiplayer.class)));
        assertTrue(served.serve(known(KoboldCppKeys.EMBEDDINGS)));
        assertTrue(served.serve(known(KoboldCppKeys.MULTIPLAYER)), "a route ending in / covers the paths below it");
        assertFalse(served.serve(known(KoboldCppKeys.TEXT)));
        assertTrue(served.serve(known(KoboldCppKeys.VISION)), "no routes, nothing to wait for");
    }

    @Test
    void oneRouteMissingIsNotServed() {
        assertFalse(ServedRoutes.of(List.of(Resource.from(OnlyOpenAiEmbeddings.class))).serve(known(KoboldCppKeys.EMBEDDINGS)));
    }

    private static CapabilityDescriptor known(String key) {
        return KnownCapabilities.byKey(key).orElseThrow();
    }
}
