package io.maskgate.service.console.admin;

import io.maskgate.protocol.Ids;
import io.maskgate.service.door.Door;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.lifesafety.LifeSafety;
import io.maskgate.service.web.ConflictException;
import java.security.Principal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Doors and policies (ADMIN): list, create (actuator key shown once), edit with field errors, delete. */
@Controller
class DoorPagesController {

    private final DoorService doors;
    private final LifeSafety lifeSafety;

    DoorPagesController(DoorService doors, LifeSafety lifeSafety) {
        this.doors = doors;
        this.lifeSafety = lifeSafety;
    }

    @GetMapping("/console/doors")
    String list(Model model) {
        model.addAttribute("doors", doors.list());
        return "console/doors";
    }

    @PostMapping("/console/doors")
    String create(@RequestParam String id, @RequestParam(required = false) String name, Principal principal,
                  Model model, RedirectAttributes flash) {
        String trimmedName = name == null || name.isBlank() ? null : name.strip();
        String problem = Ids.isValid(id) ? null : "id must match [A-Za-z0-9_-]{1,64}";
        if (trimmedName != null && trimmedName.length() > 200) {
            model.addAttribute("nameError", "name must be at most 200 characters");
        }
        if (problem != null) {
            model.addAttribute("idError", problem);
        }
        if (problem != null || model.containsAttribute("nameError")) {
            model.addAttribute("newId", id);
            model.addAttribute("newName", name);
            return list(model);
        }
        try {
            DoorService.CreatedDoor created = doors.create(principal.getName(), id, trimmedName, null);
            flash.addFlashAttribute("created", created);
            return "redirect:/console/doors/" + id;
        } catch (ConflictException e) {
            model.addAttribute("idError", e.getMessage());
            model.addAttribute("newId", id);
            model.addAttribute("newName", name);
            return list(model);
        }
    }

    @GetMapping("/console/doors/{id}")
    String edit(@PathVariable String id, Model model) {
        Door door = doors.get(id);
        model.addAttribute("door", door);
        if (!model.containsAttribute("form")) {
            PolicyForm form = PolicyForm.of(door);
            form.setFireRelease(lifeSafety.releases(id));
            model.addAttribute("form", form);
        }
        return "console/door-edit";
    }

    @PostMapping("/console/doors/{id}")
    String save(@PathVariable String id, @ModelAttribute("form") PolicyForm form, Principal principal, Model model,
                RedirectAttributes flash) {
        Door door = doors.get(id);
        PolicyForm.Result result = form.toPolicy();
        if (!result.errors().isEmpty()) {
            model.addAttribute("door", door);
            model.addAttribute("errors", result.errors());
            model.addAttribute("error", "Nothing was saved: correct the marked fields.");
            return "console/door-edit";
        }
        if (!door.name().equals(form.getName().strip())) {
            doors.rename(principal.getName(), id, form.getName().strip());
        }
        doors.updatePolicy(principal.getName(), id, result.policy());
        if (form.isFireRelease() != lifeSafety.releases(id)) {
            lifeSafety.configure(principal.getName(), id, form.isFireRelease());
        }
        flash.addFlashAttribute("notice", "Door " + id + " saved; the new policy applies to the next decision.");
        return "redirect:/console/doors";
    }

    @PostMapping("/console/doors/{id}/delete")
    String delete(@PathVariable String id, Principal principal, RedirectAttributes flash) {
        try {
            doors.delete(principal.getName(), id);
            flash.addFlashAttribute("notice", "Door " + id + " deleted.");
        } catch (ConflictException e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/console/doors";
    }
}
