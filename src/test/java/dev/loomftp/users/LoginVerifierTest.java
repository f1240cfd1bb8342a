package dev.loomftp.users;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginVerifierTest {
    private static final PasswordHasher HASHER = new PasswordHasher(PasswordHasher.MIN_ITERATIONS);

    @Test
    void noMoreHashesRunAtOnceThanAllowed() throws Exception {
        LoginVerifier verifier = new LoginVerifier(HASHER, new VerifiedLogins(0), 2);
        // Two threads hold both permits, each inside a wait that the test ends.
        verifier.permitsForTest().acquire(2);
        List<Thread> logins = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            logins.add(Thread.ofVirtual().start(() -> {
                try {
                    verifier.check("nobody", Optional.empty(), "x".toCharArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> verifier.permitsForTest().getQueueLength() == 5);
        assertEquals(0, verifier.hashes(), "every login waits for a permit before it hashes");

        verifier.permitsForTest().release(2);
        for (Thread login : logins) {
            login.join();
        }
        assertEquals(5, verifier.hashes());
        assertEquals(2, verifier.permitsForTest().availablePermits());
    }

    @Test
    void aLoginInterruptedWhileWaitingFailsWithoutHashing() throws Exception {
        LoginVerifier verifier = new LoginVerifier(HASHER, new VerifiedLogins(10), 1);
        verifier.permitsForTest().acquire();
        boolean[] result = {true};
        Thread login = Thread.ofVirtual().start(() -> {
            try {
                result[0] = verifier.check("alice", Optional.of(HASHER.hash("pw".toCharArray())), "pw".toCharArray());
            } catch (InterruptedException e) {
                result[0] = false;
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> verifier.permitsForTest().hasQueuedThreads());

        login.interrupt();
        login.join();

        assertFalse(result[0]);
        assertEquals(0, verifier.hashes());
    }

    @Test
    void atLeastOneHashAtATime() {
        assertThrows(IllegalArgumentException.class, () -> new LoginVerifier(HASHER, new VerifiedLogins(0), 0));
        assertTrue(LoginVerifier.defaultMaxHashing() >= 1);
    }
}
