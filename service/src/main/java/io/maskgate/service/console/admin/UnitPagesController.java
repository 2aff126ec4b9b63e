package io.maskgate.service.console.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.maskgate.protocol.Ids;
import io.maskgate.protocol.UnitStatus;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.mqtt.UnitPresence;
import io.maskgate.service.unit.Unit;
import io.maskgate.service.unit.UnitService;
import io.maskgate.service.web.ConflictException;
import java.security.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Units (ADMIN): online state, model version and last report from the units' status topic; register (the secret is
 * shown once, with a copy button and the firmware's config.json lines), enable / disable, delete.
 */
@Controller
class UnitPagesController {

    /** A unit row as the page shows it. */
    record UnitRow(String id, String name, String doorId, boolean enabled, boolean online, String modelVersion,
                   String lastSeen, long lastSeq) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final UnitService units;
    private final DoorService doors;
    private final UnitPresence presence;

    UnitPagesController(UnitService units, DoorService doors, UnitPresence presence) {
        this.units = units;
        this.doors = doors;
        this.presence = presence;
    }

    @GetMapping("/console/units")
    String list(Model model) {
        List<UnitRow> rows = units.list().stream().map(this::row).toList();
        model.addAttribute("units", rows);
        model.addAttribute("doors", doors.list());
        return "console/units";
    }

    @PostMapping("/console/units")
    String register(@RequestParam String id, @RequestParam(required = false) String name,
                    @RequestParam(required = false) String doorId, Principal principal, Model model,
                    RedirectAttributes flash) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (!Ids.isValid(id)) {
            errors.put("id", "id must match [A-Za-z0-9_-]{1,64}");
        }
        if (name != null && name.length() > 200) {
            errors.put("name", "name must be at most 200 characters");
        }
        if (doorId == null || doorId.isBlank()) {
            errors.put("doorId", "choose the door the unit watches");
        }
        if (errors.isEmpty()) {
            try {
                UnitService.RegisteredUnit r = units.register(principal.getName(), id,
                        name == null || name.isBlank() ? null : name.strip(), doorId, true);
                flash.addFlashAttribute("registered", r);
                flash.addFlashAttribute("snippet", snippet(r.unit().id(), r.unit().doorId(), r.secret(),
                        r.brokerUsername(), r.brokerPassword()));
                return "redirect:/console/units";
            } catch (ConflictException e) {
                errors.put("id", e.getMessage());
            } catch (IllegalArgumentException e) {
                errors.put("doorId", e.getMessage());
            }
        }
        model.addAttribute("errors", errors);
        model.addAttribute("newId", id);
        model.addAttribute("newName", name);
        model.addAttribute("newDoor", doorId);
        return list(model);
    }

    @PostMapping("/console/units/{id}/enabled")
    String enable(@PathVariable String id, @RequestParam boolean enabled, Principal principal,
                  RedirectAttributes flash) {
        Unit u = units.get(id);
        units.update(principal.getName(), id, u.name(), u.doorId(), enabled);
        flash.addFlashAttribute("notice", "Unit " + id + (enabled ? " enabled." : " disabled: its decisions are refused."));
        return "redirect:/console/units";
    }

    @PostMapping("/console/units/{id}/delete")
    String delete(@PathVariable String id, Principal principal, RedirectAttributes flash) {
        units.delete(principal.getName(), id);
        flash.addFlashAttribute("notice", "Unit " + id + " deleted.");
        return "redirect:/console/units";
    }

    private UnitRow row(Unit u) {
        Optional<UnitStatus> s = presence.status(u.id());
        return new UnitRow(u.id(), u.name(), u.doorId(), u.enabled(), s.map(UnitStatus::online).orElse(false),
                s.map(UnitStatus::modelVersion).orElse("—"),
                s.map(st -> Instant.ofEpochMilli(st.at()).toString()).orElse(null), u.lastSeq());
    }

    /** The lines of the firmware's config.json that come from registration (see firmware/config.example.json). */
    static String snippet(String unitId, String doorId, String secret, String mqttUser, String mqttPassword) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("unit_id", unitId);
        cfg.put("door_id", doorId);
        cfg.put("key", secret);
        cfg.put("broker_host", "YOUR_BROKER_HOST");
        cfg.put("broker_port", 1883);
        if (mqttUser != null) {
            // provisioned in the broker by the service (maskgate.mqtt.dynsec.enabled), shown once like the key
            cfg.put("mqtt_user", mqttUser);
            cfg.put("mqtt_password", mqttPassword);
        }
        try {
            return JSON.writeValueAsString(cfg);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
