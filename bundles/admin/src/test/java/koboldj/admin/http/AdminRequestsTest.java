package koboldj.admin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import koboldj.api.error.ApiException;

class AdminRequestsTest {

    @Test
    void onlyLoopbackAddressesMayShutDown() {
        assertTrue(ShutdownResource.fromThisMachine("127.0.0.1"));
        assertTrue(ShutdownResource.fromThisMachine("127.1.2.3"));
        assertTrue(ShutdownResource.fromThisMachine("0:0:0:0:0:0:0:1"));
        assertTrue(ShutdownResource.fromThisMachine("::1"));
        assertFalse(ShutdownResource.fromThisMachine("10.0.0.5"));
        assertFalse(ShutdownResource.fromThisMachine("::ffff:10.0.0.5"));
        assertFalse(ShutdownResource.fromThisMachine("localhost"), "a name is not an address the container saw");
        assertFalse(ShutdownResource.fromThisMachine(null));
    }

    @Test
    void slotsFollowKoboldCpp() {
        assertEquals(0, AdminBodies.slot(AdminBodies.parse("")));
        assertEquals(2, AdminBodies.slot(AdminBodies.parse("{\"slot\": 2}")));
        assertEquals(0, AdminBodies.slot(AdminBodies.parse("{\"slot\": 7}")), "past the last slot: slot 0");
        assertThrows(ApiException.class, () -> AdminBodies.slot(AdminBodies.parse("{\"slot\": -1}")));
        assertThrows(ApiException.class, () -> AdminBodies.slot(AdminBodies.parse("{\"slot\": 1.5}")));
        assertThrows(ApiException.class, () -> AdminBodies.parse("[1]"));
        assertThrows(ApiException.class, () -> AdminBodies.parse("{"));
    }
}
