package io.nubicustos.processor.processing;

import io.nubicustos.model.messaging.StepCompleted;
import io.nubicustos.model.messaging.Topics;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Thin: the event only names the step; Postgres says what to do with it. */
@Component
class StepCompletedListener {

    private final StepProcessor processor;

    StepCompletedListener(StepProcessor processor) {
        this.processor = processor;
    }

    @KafkaListener(id = "step-completed-processor", topics = Topics.STEP_COMPLETED, groupId = "nubicustos-report-processors",
            containerFactory = "completionContainerFactory", concurrency = "${nubicustos.processor.concurrency:2}")
    void onCompleted(StepCompleted event) {
        if (event == null || event.stepId() == null) {
            throw new IllegalArgumentException("step-completed record without step_id");
        }
        processor.process(event.stepId());
    }
}
