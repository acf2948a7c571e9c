package io.nubicustos.worker.step;

import io.nubicustos.model.messaging.StepCompleted;
import io.nubicustos.model.messaging.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Wakes the report-processor. The step's state is already committed in Postgres, so a lost record
 * only delays processing until the processor's sweeper finds the step.
 */
@Component
class CompletionPublisher {

    private static final Logger log = LoggerFactory.getLogger(CompletionPublisher.class);

    private final KafkaTemplate<String, String> kafka;
    private final ObjectMapper json;

    CompletionPublisher(KafkaTemplate<String, String> kafka, ObjectMapper json) {
        this.kafka = kafka;
        this.json = json;
    }

    void publish(ClaimedStep step, String status, Integer exitCode) {
        StepCompleted event = new StepCompleted(step.id(), step.scanId(), step.tool(), status, exitCode);
        try {
            kafka.send(Topics.STEP_COMPLETED, step.id().toString(), json.writeValueAsString(event))
                    .whenComplete((result, e) -> {
                        if (e != null) {
                            log.warn("Completion of step {} not published ({}); the processor's sweeper will find it", step.id(), e.toString());
                        }
                    });
        } catch (RuntimeException e) {
            log.warn("Completion of step {} not published ({}); the processor's sweeper will find it", step.id(), e.toString());
        }
    }
}
