package koboldj.testing.echo;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Announces the "echo" capability, the way any bundle announces one: service properties with its
 * key, routes, how to turn it on and the API it adds (koboldj.api.capability.CapabilityDescriptor
 * names them). Also holds the configuration, which changes in place when its file does.
 */
@Component(service = EchoSettings.class, configurationPid = EchoSettings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {
            "koboldj.capability=echo",
            "koboldj.capability.routes=/echo/",
            "koboldj.capability.enable=the echo bundle: drop koboldj.testing.echo-capability.jar into the --bundles folder",
            "koboldj.capability.api.id=echo",
            "koboldj.capability.api.name=Echo API",
            "koboldj.capability.api.path=/echo"
        })
@Designate(ocd = EchoConfiguration.class)
public class EchoSettings {
    static final String PID = "koboldj.testing.echo";

    private volatile EchoConfiguration configuration;

    @Activate
    @Modified
    void configure(EchoConfiguration configuration) {
        this.configuration = configuration;
    }

    String greeting() {
        return configuration.greeting();
    }

    String suffix() {
        return configuration.suffix();
    }
}
