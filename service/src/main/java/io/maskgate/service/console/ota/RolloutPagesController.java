package io.maskgate.service.console.ota;

import io.maskgate.service.model.ModelRegistry;
import io.maskgate.service.rollout.Action;
import io.maskgate.service.rollout.ActionStatus;
import io.maskgate.service.rollout.RolloutRequest;
import io.maskgate.service.rollout.RolloutService;
import io.maskgate.service.rollout.RolloutStatus;
import io.maskgate.service.web.ConflictException;
import io.maskgate.service.web.NotFoundException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Rollouts (ADMIN): the list and a create form; a detail page whose progress fragment (groups with progress bars
 * and per-state counts, failure reasons, the units' actions and the rollout's events) htmx polls every second; the
 * buttons offered are the moves {@link RolloutStatus#next()} allows from the rollout's current status.
 */
@Controller
class RolloutPagesController {

    static final List<String> FIELDS = List.of("name", "version", "target", "canary", "waves", "order",
            "successThreshold", "errorThreshold", "ratePerMinute");

    /** The buttons a status offers, in the order shown. */
    static List<String> buttons(RolloutStatus status) {
        List<String> out = new ArrayList<>();
        if (status.next().contains(RolloutStatus.READY)) {
            out.add("approve");
        }
        if (status.next().contains(RolloutStatus.RUNNING)) {
            out.add(status == RolloutStatus.PAUSED ? "resume" : "start");
        }
        if (status.next().contains(RolloutStatus.PAUSED)) {
            out.add("pause");
        }
        if (status.next().contains(RolloutStatus.CANCELED)) {
            out.add("cancel");
        }
        if (status.next().contains(RolloutStatus.ROLLED_BACK)) {
            out.add("rollback");
        }
        return out;
    }

    private final RolloutService rollouts;
    private final ModelRegistry models;

    RolloutPagesController(RolloutService rollouts, ModelRegistry models) {
        this.rollouts = rollouts;
        this.models = models;
    }

    @GetMapping("/console/rollouts")
    String list(Model model) {
        List<io.maskgate.service.rollout.Rollout> all = new ArrayList<>(rollouts.list());
        all.sort((a, b) -> Long.compare(b.id(), a.id()));
        model.addAttribute("rollouts", all);
        model.addAttribute("ready", models.list().stream().filter(m -> m.status().deployable()).toList());
        if (!model.containsAttribute("form")) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("canary", "1");
            form.put("waves", "50, 100");
            form.put("successThreshold", "100");
            form.put("errorThreshold", "20");
            form.put("ratePerMinute", "0");
            form.put("targetType", "ALL");
            form.put("order", "RANDOM");
            model.addAttribute("form", form);
        }
        return "console/rollouts";
    }

    @PostMapping("/console/rollouts")
    String create(@RequestParam Map<String, String> params, Principal principal, Model model) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = text(params.get("name"));
        if (name != null && (name.length() > 200 || name.indexOf('\0') >= 0)) {
            errors.put("name", "name must be at most 200 characters of text");
        }
        String version = text(params.get("version"));
        if (version == null) {
            errors.put("version", "choose a READY model version");
        }
        String type = params.getOrDefault("targetType", "ALL").toUpperCase(Locale.ROOT);
        List<String> values = split(params.get("targetValues"));
        if (!List.of("ALL", "DOORS", "TAGS", "UNITS").contains(type)) {
            errors.put("target", "target must be ALL, DOORS, TAGS or UNITS");
        } else if (!type.equals("ALL") && values.isEmpty()) {
            errors.put("target", "name the " + type.toLowerCase(Locale.ROOT) + " to target (comma-separated)");
        }
        Integer canary = integer(params, "canary", errors);
        Integer success = integer(params, "successThreshold", errors);
        Integer error = integer(params, "errorThreshold", errors);
        Integer rate = integer(params, "ratePerMinute", errors);
        Integer disagreement = integer(params, "disagreementThreshold", errors);
        Integer disagreementMin = integer(params, "disagreementMinFrames", errors);
        List<Integer> waves = new ArrayList<>();
        for (String w : split(params.get("waves"))) {
            try {
                waves.add(Integer.parseInt(w));
            } catch (NumberFormatException e) {
                errors.put("waves", "waves are cumulative percentages, e.g. 50, 100");
                break;
            }
        }
        String order = params.getOrDefault("order", "RANDOM");
        if (errors.isEmpty()) {
            try {
                RolloutService.RolloutView v = rollouts.create(principal.getName(), new RolloutRequest(name, version,
                        new RolloutRequest.Target(type, values), canary, waves, order, success, error, rate,
                        "on".equals(params.get("approval")), null, null, disagreement, disagreementMin));
                return "redirect:/console/rollouts/" + v.rollout().id();
            } catch (IllegalArgumentException | IllegalStateException | ConflictException | NotFoundException e) {
                String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                errors.put(FIELDS.stream().filter(message::startsWith).findFirst().orElse("general"), message);
            }
        }
        model.addAttribute("errors", errors);
        model.addAttribute("form", params);
        return list(model);
    }

    @GetMapping("/console/rollouts/{id}")
    String detail(@PathVariable long id, Model model) {
        progress(id, model);
        return "console/rollout";
    }

    /** The live part of the detail page, polled by htmx. */
    @GetMapping("/console/rollouts/{id}/progress")
    String progress(@PathVariable long id, Model model) {
        RolloutService.RolloutView view = rollouts.view(id);
        model.addAttribute("view", view);
        model.addAttribute("r", view.rollout());
        model.addAttribute("buttons", buttons(view.rollout().status()));
        model.addAttribute("done", view.totals().entrySet().stream().filter(e -> e.getKey().terminal())
                .mapToInt(Map.Entry::getValue).sum());
        model.addAttribute("units", view.totals().values().stream().mapToInt(Integer::intValue).sum());
        model.addAttribute("states", Arrays.asList(ActionStatus.values()));
        model.addAttribute("succeeded", view.groups().stream()
                .map(g -> g.actions().getOrDefault(ActionStatus.SUCCEEDED, 0)).toList());
        List<Action> actions = rollouts.actions(id);
        model.addAttribute("actions", actions.size() > 200 ? actions.subList(0, 200) : actions);
        List<Map<String, Object>> events = new ArrayList<>(rollouts.events(id, 10_000));
        Collections.reverse(events);
        model.addAttribute("events", events.size() > 30 ? events.subList(0, 30) : events);
        return "console/rollout-progress :: progress";
    }

    @PostMapping("/console/rollouts/{id}/{action}")
    String act(@PathVariable long id, @PathVariable String action, Principal principal, RedirectAttributes flash) {
        String actor = principal.getName();
        try {
            RolloutService.RolloutView v = switch (action) {
                case "approve" -> rollouts.approve(actor, id);
                case "start" -> rollouts.start(actor, id);
                case "pause" -> rollouts.pause(actor, id);
                case "resume" -> rollouts.resume(actor, id);
                case "cancel" -> rollouts.cancel(actor, id);
                case "rollback" -> rollouts.rollback(actor, id, null);
                default -> throw new NotFoundException("no such rollout action: " + action);
            };
            if (v.rollout().id() != id) {
                flash.addFlashAttribute("notice", "Rollback rollout " + v.rollout().id() + " created for rollout "
                        + id + ".");
                return "redirect:/console/rollouts/" + v.rollout().id();
            }
            flash.addFlashAttribute("notice", "Rollout " + id + ": " + action + " done, now "
                    + v.rollout().status() + ".");
        } catch (ConflictException | IllegalStateException | IllegalArgumentException e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/console/rollouts/" + id;
    }

    private static String text(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static List<String> split(String s) {
        return s == null ? List.of() : Arrays.stream(s.split("[,\\s]+")).filter(x -> !x.isBlank()).toList();
    }

    private static Integer integer(Map<String, String> params, String field, Map<String, String> errors) {
        String s = text(params.get(field));
        if (s == null) {
            return null;
        }
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            errors.put(field, field + " must be a whole number");
            return null;
        }
    }
}
