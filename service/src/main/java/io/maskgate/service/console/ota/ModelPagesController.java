package io.maskgate.service.console.ota;

import io.maskgate.service.model.GateReport;
import io.maskgate.service.model.ModelRegistry;
import io.maskgate.service.model.ModelStatus;
import io.maskgate.service.model.ModelVersion;
import io.maskgate.service.web.ConflictException;
import io.maskgate.service.web.NotFoundException;
import java.security.Principal;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Models (ADMIN): the registry with each version's status and gate report summary; retire, reinstate and revoke
 * through a confirmation page with a reason. Which of them a version offers is what {@link ModelStatus#next()}
 * allows.
 */
@Controller
class ModelPagesController {

    /** A registry row: the version, its gate summary and the status moves it allows. */
    record ModelRow(ModelVersion model, String gate, List<String> moves) {
    }

    /** A move the page offers, by the path segment it posts to. */
    enum Move {
        RETIRE(ModelStatus.RETIRED, true),
        REINSTATE(ModelStatus.READY, false),
        REVOKE(ModelStatus.REVOKED, true);

        final ModelStatus target;
        final boolean needsReason;

        Move(ModelStatus target, boolean needsReason) {
            this.target = target;
            this.needsReason = needsReason;
        }

        String path() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Move of(String path) {
            for (Move m : values()) {
                if (m.path().equals(path)) {
                    return m;
                }
            }
            throw new NotFoundException("no such model action: " + path);
        }

        static List<String> allowedFrom(ModelStatus status) {
            return java.util.Arrays.stream(values()).filter(m -> status.next().contains(m.target)).map(Move::path)
                    .toList();
        }
    }

    private final ModelRegistry registry;

    ModelPagesController(ModelRegistry registry) {
        this.registry = registry;
    }

    @GetMapping("/console/models")
    String list(Model model) {
        model.addAttribute("models", registry.list().stream().map(this::row).toList());
        return "console/models";
    }

    @GetMapping("/console/models/{version}/{move}")
    String confirm(@PathVariable String version, @PathVariable String move, Model model) {
        Move m = Move.of(move);
        model.addAttribute("row", row(registry.get(version)));
        model.addAttribute("move", m.path());
        model.addAttribute("needsReason", m.needsReason);
        return "console/model-confirm";
    }

    @PostMapping("/console/models/{version}/{move}")
    String apply(@PathVariable String version, @PathVariable String move,
                 @RequestParam(required = false) String reason, Principal principal, Model model,
                 RedirectAttributes flash) {
        Move m = Move.of(move);
        String why = reason == null ? "" : reason.strip();
        String error = null;
        if (m.needsReason && why.isEmpty()) {
            error = "give a reason (it goes into the audit log)";
        } else if (why.length() > 500 || why.indexOf('\0') >= 0) {
            error = "the reason must be at most 500 characters of text";
        }
        if (error == null) {
            try {
                switch (m) {
                    case RETIRE -> registry.retire(principal.getName(), version, why);
                    case REINSTATE -> registry.reinstate(principal.getName(), version);
                    case REVOKE -> registry.revoke(principal.getName(), version, why);
                }
                flash.addFlashAttribute("notice", "Model " + version + " is now " + m.target
                        + (m == Move.REVOKE ? ": units running it are rolled back." : "."));
                return "redirect:/console/models";
            } catch (ConflictException e) {
                error = e.getMessage();
            }
        }
        model.addAttribute("reasonError", error);
        model.addAttribute("reason", reason);
        return confirm(version, move, model);
    }

    private ModelRow row(ModelVersion v) {
        return new ModelRow(v, gate(v), Move.allowedFrom(v.status()));
    }

    private String gate(ModelVersion v) {
        try {
            GateReport r = registry.report(v.version());
            if (r.passed()) {
                String accuracy = r.accuracy() == null ? "" : String.format(Locale.ROOT, ", accuracy %.1f %% on %d "
                        + "images", r.accuracy().percent(), r.accuracy().images());
                String baseline = r.accuracy() == null || r.accuracy().baselineVersion() == null ? ""
                        : String.format(Locale.ROOT, " (baseline %s: %.1f %%)", r.accuracy().baselineVersion(),
                        r.accuracy().baselinePercent());
                return "passed " + r.checks().size() + " checks" + accuracy + baseline;
            }
            return "refused: " + r.refusal();
        } catch (NotFoundException | IllegalStateException e) {
            return "no gate report";
        }
    }
}
