package io.maskgate.service.console.admin;

import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.security.Role;
import io.maskgate.service.security.UserAccounts;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Users (ADMIN): create with a role, reset a password, enable / disable; every change is audited. */
@Controller
class UserPagesController {

    private final UserAccounts accounts;
    private final AuditLog audit;

    UserPagesController(UserAccounts accounts, AuditLog audit) {
        this.accounts = accounts;
        this.audit = audit;
    }

    @GetMapping("/console/users")
    String list(Model model) {
        model.addAttribute("users", accounts.list());
        model.addAttribute("roles", Role.values());
        return "console/users";
    }

    @PostMapping("/console/users")
    String create(@RequestParam String username, @RequestParam String password, @RequestParam String role,
                  Principal principal, Model model, RedirectAttributes flash) {
        Map<String, String> errors = new LinkedHashMap<>();
        Role r = null;
        try {
            r = Role.valueOf(role);
        } catch (IllegalArgumentException e) {
            errors.put("role", "role must be ADMIN or OPERATOR");
        }
        if (!username.matches("[A-Za-z0-9_.@-]{1,64}")) {
            errors.put("username", "username must match [A-Za-z0-9_.@-]{1,64}");
        } else if (accounts.exists(username)) {
            errors.put("username", "user " + username + " already exists");
        }
        if (password.length() < 12) {
            errors.put("password", "password must be at least 12 characters");
        }
        if (errors.isEmpty()) {
            try {
                accounts.create(username, password, r);
                audit.record(principal.getName(), "USER_CREATE", username, "role=" + r);
                flash.addFlashAttribute("notice", "User " + username + " created as " + r + ".");
                return "redirect:/console/users";
            } catch (DataIntegrityViolationException e) {
                errors.put("username", "user " + username + " already exists");
            }
        }
        model.addAttribute("errors", errors);
        model.addAttribute("newUsername", username);
        return list(model);
    }

    @PostMapping("/console/users/{username}/password")
    String reset(@PathVariable String username, @RequestParam String password, Principal principal,
                 RedirectAttributes flash) {
        try {
            if (accounts.resetPassword(username, password)) {
                audit.record(principal.getName(), "USER_PASSWORD_RESET", username, null);
                flash.addFlashAttribute("notice", "Password of " + username + " reset.");
            } else {
                flash.addFlashAttribute("error", "No user " + username + ".");
            }
        } catch (IllegalArgumentException e) {
            flash.addFlashAttribute("error", "Password of " + username + " not changed: " + e.getMessage());
        }
        return "redirect:/console/users";
    }

    @PostMapping("/console/users/{username}/enabled")
    String enable(@PathVariable String username, @RequestParam boolean enabled, Principal principal,
                  RedirectAttributes flash) {
        if (!enabled && username.equals(principal.getName())) {
            flash.addFlashAttribute("error", "You cannot disable your own account.");
            return "redirect:/console/users";
        }
        if (accounts.setEnabled(username, enabled)) {
            audit.record(principal.getName(), enabled ? "USER_ENABLE" : "USER_DISABLE", username, null);
            flash.addFlashAttribute("notice", "User " + username + (enabled ? " enabled." : " disabled."));
        }
        return "redirect:/console/users";
    }

    @GetMapping("/console/audit")
    String audit(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                 @RequestParam(required = false) String target, Model model) {
        model.addAttribute("entries", audit.search(blank(actor), blank(action), blank(target), 500));
        model.addAttribute("actor", actor);
        model.addAttribute("action", action);
        model.addAttribute("target", target);
        return "console/audit";
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
