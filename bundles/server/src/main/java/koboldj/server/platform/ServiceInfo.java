package koboldj.server.platform;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of /.well-known/serviceinfo, in KoboldCpp's layout. */
public record ServiceInfo(String version, Software software, Map<String, Api> api) {

    public record Software(String name, String version) {
    }

    public record Api(String name, @JsonProperty("rel_url") String relUrl, String version) {
    }
}
