package io.nubicustos.standalone;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The module boundaries of the architecture, checked on the compiled classes of all modules. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.nubicustos");

    @Test
    void noServiceDependsOnAnotherService() {
        noClasses().that().resideInAPackage("io.nubicustos.gateway..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nubicustos.worker..", "io.nubicustos.processor..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("io.nubicustos.worker..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nubicustos.gateway..", "io.nubicustos.processor..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("io.nubicustos.processor..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nubicustos.gateway..", "io.nubicustos.worker..")
                .check(CLASSES);
    }

    @Test
    void theModelHasNoSpringAndNoService() {
        noClasses().that().resideInAPackage("io.nubicustos.model..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.nubicustos.gateway..",
                        "io.nubicustos.worker..", "io.nubicustos.processor..", "io.nubicustos.standalone..")
                .check(CLASSES);
    }

    @Test
    void reportParsersDependOnlyOnTheModelAndTheJsonLibrary() {
        classes().that().resideInAPackage("io.nubicustos.processor.report..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.nubicustos.model..", "io.nubicustos.processor.report..",
                        "tools.jackson..", "com.fasterxml.jackson.annotation..", "java..")
                .check(CLASSES);
    }

    @Test
    void servicesDoNotReachIntoTheStandaloneLauncher() {
        noClasses().that().resideOutsideOfPackage("io.nubicustos.standalone..")
                .should().dependOnClassesThat().resideInAPackage("io.nubicustos.standalone..")
                .check(CLASSES);
    }
}
