package io.nubicustos.gateway.control;

import io.nubicustos.model.control.ControlFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the built-in control mappings ({@link ControlFramework}) into {@code control_requirements} and
 * {@code control_checks} at start, so the consensus and compliance views join them in SQL. Each framework is replaced
 * whole in one transaction, under an advisory lock: several API instances starting at once load it one after another,
 * and a reader sees the old mapping or the new one, never half of each.
 */
@Component
public class ControlMappings implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ControlMappings.class);
    private static final String LOCK = "select pg_advisory_xact_lock(hashtext('nubicustos.control-mappings'))";
    private static final String DELETE = "delete from control_requirements where framework = :framework";
    private static final String DELETE_OTHERS = "delete from control_requirements where not (framework = any (cast(:frameworks as text[])))";
    private static final String INSERT_REQUIREMENTS = """
            insert into control_requirements (framework, id, title, assessment, scope, position)
            select :framework, r.id, r.title, r.assessment, r.scope, r.position
              from unnest(cast(:ids as text[]), cast(:titles as text[]), cast(:assessments as text[]), cast(:scopes as text[]))
                   with ordinality as r(id, title, assessment, scope, position)
            """;
    private static final String INSERT_CHECKS = """
            insert into control_checks (framework, requirement, tool, check_id)
            select distinct :framework, c.requirement, c.tool, c.check_id
              from unnest(cast(:requirements as text[]), cast(:tools as text[]), cast(:checks as text[])) as c(requirement, tool, check_id)
            """;

    private final JdbcClient jdbc;
    private final List<ControlFramework> frameworks;

    public ControlMappings(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.frameworks = ControlFramework.builtIns();
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        jdbc.sql(LOCK).query().singleRow();
        // why: a framework this version no longer ships must not go on matching findings (its checks would still join)
        jdbc.sql(DELETE_OTHERS).param("frameworks", frameworks.stream().map(ControlFramework::framework).toArray(String[]::new)).update();
        for (ControlFramework framework : frameworks) {
            load(framework);
        }
    }

    private void load(ControlFramework framework) {
        List<String> ids = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        List<String> assessments = new ArrayList<>();
        List<String> scopes = new ArrayList<>();
        List<String> requirements = new ArrayList<>();
        List<String> tools = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        for (ControlFramework.Requirement r : framework.requirements()) {
            ids.add(r.id());
            titles.add(r.title());
            assessments.add(r.assessment());
            scopes.add(r.scope());
            for (Map.Entry<String, List<String>> tool : r.checks().entrySet()) {
                for (String check : tool.getValue()) {
                    requirements.add(r.id());
                    tools.add(tool.getKey());
                    checks.add(check);
                }
            }
        }
        jdbc.sql(DELETE).param("framework", framework.framework()).update();
        jdbc.sql(INSERT_REQUIREMENTS).param("framework", framework.framework()).param("ids", ids.toArray(String[]::new))
                .param("titles", titles.toArray(String[]::new)).param("assessments", assessments.toArray(String[]::new))
                .param("scopes", scopes.toArray(String[]::new)).update();
        jdbc.sql(INSERT_CHECKS).param("framework", framework.framework()).param("requirements", requirements.toArray(String[]::new))
                .param("tools", tools.toArray(String[]::new)).param("checks", checks.toArray(String[]::new)).update();
        log.info("Control mapping {} loaded: {} requirements, {} checks mapped", framework.framework(), ids.size(), checks.size());
    }

    /** The built-in frameworks, as loaded. */
    public List<ControlFramework> frameworks() {
        return frameworks;
    }

    /** A built-in framework by its id or one of its aliases. */
    public Optional<ControlFramework> find(String name) {
        return frameworks.stream().filter(f -> f.framework().equalsIgnoreCase(name)
                || f.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(name))).findFirst();
    }

    /** Every alias of every built-in framework: the names in the tools' own compliance fields they stand for. */
    public List<String> aliases() {
        return frameworks.stream().flatMap(f -> f.aliases().stream()).toList();
    }
}
