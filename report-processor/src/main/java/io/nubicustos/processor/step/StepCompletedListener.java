package io.nubicustos.processor.step;

import io.nubicustos.model.messaging.StepCompleted;
import io.nubicustos.model.messaging.Topics;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Thin: the event only names the step; Postgres says what to do with it. A record that is not a
 * completion event is refused with {@link IllegalArgumentException}, which the error handler sends
 * to the dead-letter topic without retrying.
 */
@Component
class StepCompletedListener {

    private final StepProcessor processor;
    private final ObjectMapper json;

    StepCompletedListener(StepProcessor processor, ObjectMapper json) {
        this.processor = processor;
        this.json = json;
    }

    @KafkaListener(id = "step-completed-processor", topics = Topics.STEP_COMPLETED, groupId = "nubicustos-report-processors",
            containerFactory = "completionContainerFactory", concurrency = "${nubicustos.processor.concurrency:2}")
    void onCompleted(String record) {
        StepCompleted event;
        try {
            event = json.readValue(record, StepCompleted.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a step-completed event: " + e.getOriginalMessage(), e);
        }
        if (event == null || event.stepId() == null) {
            throw new IllegalArgumentException("step-completed event without step_id");
        }
        processor.process(event.stepId());
    }
}
