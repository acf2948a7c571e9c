package io.nubicustos.gateway.profile;

import org.jspecify.annotations.Nullable;
import io.nubicustos.model.catalog.ToolCatalog;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
class ProfileController {

    private final ToolCatalog catalog;

    ProfileController(ToolCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/api/scans/profiles/list")
    Profiles list() {
        return new Profiles(catalog.profiles().stream()
                .map(p -> new Profile(p.name(), p.description(), p.durationEstimate(), p.tools()))
                .toList());
    }

    record Profiles(List<Profile> profiles) {
    }

    record Profile(String name, @Nullable String description, @Nullable String durationEstimate, List<String> tools) {
    }

}
