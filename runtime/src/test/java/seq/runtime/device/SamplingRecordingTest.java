package seq.runtime.device;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

/** The OpenCL build failure names a running recording that samples threads (PoCL's compiler fails under it). */
class SamplingRecordingTest {
    @Test
    void aRecordingThatSamplesThreadsIsSeenOnlyWhileItRuns() {
        assertFalse(OpenCl.samplingRecording(), "no recording has started");
        try (Recording allocations = new Recording()) {
            allocations.enable("jdk.ObjectAllocationSample");
            allocations.start();
            assertFalse(OpenCl.samplingRecording(), "a recording of allocations only does not sample threads");
            try (Recording samples = new Recording()) {
                samples.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(20));
                samples.start();
                assertTrue(OpenCl.samplingRecording());
                samples.stop();
                assertFalse(OpenCl.samplingRecording(), "the sampling recording has stopped");
            }
        }
    }
}
