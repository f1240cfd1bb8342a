package dev.loomftp.server;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture every server test shares: after each test, every {@link TestServer} the test left in
 * a field of its class is stopped, with the checks {@link TestServer#close} makes (no session,
 * passive listener or server thread left, no internal error). A test class asks for it with
 * {@code @ExtendWith(StopServers.class)} and keeps its server in a field, started in a
 * {@code @BeforeEach} method or in the test itself; a server made and closed within one test needs
 * nothing. It runs after the class's own {@code @AfterEach} methods, which may still use the server.
 */
final class StopServers implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) throws IllegalAccessException {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Class<?> type = instance.getClass(); type != Object.class; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (field.getType() == TestServer.class && !Modifier.isStatic(field.getModifiers())) {
                        field.setAccessible(true);
                        TestServer server = (TestServer) field.get(instance);
                        field.set(instance, null);
                        if (server != null) {
                            server.close();
                        }
                    }
                }
            }
        }
    }
}
