package io.maskgate.service.console.live;

import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.Ids;
import io.maskgate.service.command.ManualCommands;
import io.maskgate.service.console.ConsoleProperties;
import io.maskgate.service.web.NotFoundException;
import java.security.Principal;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Entrances (live): a tile per door, updated over Server-Sent Events; manual unlock / lock with a reason. */
@Controller
class EntrancesController {

    static final int MAX_REASON = 500;

    private final LiveFeed feed;
    private final ManualCommands manual;
    private final ConsoleProperties properties;

    EntrancesController(LiveFeed feed, ManualCommands manual, ConsoleProperties properties) {
        this.feed = feed;
        this.manual = manual;
        this.properties = properties;
    }

    @GetMapping("/console")
    String entrances(Model model) {
        model.addAttribute("tiles", feed.tiles());
        return "console/entrances";
    }

    /** The live page's stream: one {@code tiles} event of tile states per feed tick (see {@link LiveStreams}). */
    @GetMapping(value = "/console/live/tiles", produces = "text/event-stream")
    @ResponseBody
    SseEmitter stream() {
        return feed.open(properties.streamTimeout().toMillis());
    }

    /**
     * The per-tile HTML stream that pages loaded before the {@code tiles} format read. Gone rather than answered in
     * the new format, which such a page would ignore while still saying "live": its script retries, it says
     * "reconnecting…", and a reload gets the current page.
     */
    @GetMapping("/console/live/stream")
    ResponseEntity<Void> formerStream() {
        return ResponseEntity.status(HttpStatus.GONE).build();
    }

    @PostMapping("/console/entrances/{door}/{action}")
    String command(@PathVariable String door, @PathVariable String action, @RequestParam(required = false) String reason,
                   Principal principal, RedirectAttributes flash) {
        DoorAction doorAction = switch (action) {
            case "unlock" -> DoorAction.UNLOCK;
            case "lock" -> DoorAction.LOCK;
            default -> throw new NotFoundException("no such action");
        };
        if (!Ids.isValid(door)) {
            throw new NotFoundException("no such door");
        }
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > MAX_REASON) {
            flash.addFlashAttribute("error", "A reason (1.." + MAX_REASON + " characters) is required to "
                    + action + " a door by hand; nothing was sent.");
            return "redirect:/console";
        }
        try {
            var command = manual.send(door, doorAction, null, why, principal.getName());
            flash.addFlashAttribute("notice", doorAction.name() + " sent to door " + door + " (command "
                    + command.commandId() + "); the tile shows when the actuator confirms it.");
        } catch (NotFoundException | IllegalStateException e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/console";
    }
}
