package koboldj.server.capabilities;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.glassfish.jersey.server.model.Resource;
import org.junit.jupiter.api.Test;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

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
        assertTrue(served.serve(KnownCapabilities.byKey(KoboldCppKeys.EMBEDDINGS).orElseThrow()));
        assertTrue(served.serve(KnownCapabilities.byKey(KoboldCppKeys.MULTIPLAYER).orElseThrow()), "a route ending in / covers the paths below it");
        assertFalse(served.serve(KnownCapabilities.byKey(KoboldCppKeys.TEXT).orElseThrow()));
        assertTrue(served.serve(KnownCapabilities.byKey(KoboldCppKeys.VISION).orElseThrow()), "no routes, nothing to wait for");
    }

    @Test
    void oneRouteMissingIsNotServed() {
        assertFalse(ServedRoutes.of(List.of(Resource.from(OnlyOpenAiEmbeddings.class))).serve(KnownCapabilities.byKey(KoboldCppKeys.EMBEDDINGS).orElseThrow()));
    }
}
