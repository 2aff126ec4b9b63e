package io.maskgate.service.console.disputes;

import io.maskgate.protocol.Ids;
import io.maskgate.service.dispute.Dispute;
import io.maskgate.service.dispute.DisputeService;
import io.maskgate.service.dispute.HumanVerdict;
import io.maskgate.service.web.ConflictException;
import io.maskgate.service.web.NotFoundException;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Disputes (OPERATOR and ADMIN, as the API): the open queue oldest first with the unit's and the float model's
 * verdicts and the kept crop; settled by a human verdict with one key press (M / N / U, or 1 / 2 / 3, on the
 * focused dispute; J / K move between disputes). A dispute is opened from a decision on the events page.
 */
@Controller
class DisputePagesController {

    static final int QUEUE = 100;

    private final DisputeService disputes;

    DisputePagesController(DisputeService disputes) {
        this.disputes = disputes;
    }

    @GetMapping("/console/disputes")
    String queue(Model model) {
        List<Dispute> open = disputes.list("OPEN", QUEUE);
        model.addAttribute("disputes", open);
        model.addAttribute("settled", disputes.list("SETTLED", 10));
        return "console/disputes";
    }

    /** The kept crop, through the same service call (and audit) as GET /api/disputes/{id}/frame. */
    @GetMapping("/console/disputes/{id}/frame")
    ResponseEntity<byte[]> frame(@PathVariable long id, Principal principal) {
        byte[] image = disputes.frame(principal.getName(), id);
        boolean jpeg = image.length > 3 && (image[0] & 0xff) == 0xff && (image[1] & 0xff) == 0xd8;
        return ResponseEntity.ok().contentType(jpeg ? MediaType.IMAGE_JPEG : MediaType.IMAGE_PNG)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").body(image);
    }

    @PostMapping("/console/disputes/{id}/verdict")
    String settle(@PathVariable long id, @RequestParam String verdict, Principal principal,
                  RedirectAttributes flash) {
        HumanVerdict v;
        try {
            v = HumanVerdict.valueOf(verdict);
        } catch (IllegalArgumentException e) {
            flash.addFlashAttribute("error", "verdict must be MASK, NO_MASK or UNCLEAR");
            return "redirect:/console/disputes";
        }
        try {
            Dispute d = disputes.settle(principal.getName(), id, v);
            flash.addFlashAttribute("notice", "Dispute " + id + " (" + d.unitId() + " seq " + d.seq()
                    + ") settled: " + v + ".");
        } catch (ConflictException | NotFoundException e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/console/disputes";
    }

    /** Opens a dispute on an accepted decision (the events page's Dispute button). */
    @PostMapping("/console/disputes")
    String open(@RequestParam String unitId, @RequestParam long seq, @RequestParam(required = false) String note,
                Principal principal, RedirectAttributes flash) {
        if (!Ids.isValid(unitId) || seq < 1 || (note != null && (note.length() > 500 || note.indexOf('\0') >= 0))) {
            flash.addFlashAttribute("error", "a dispute needs a valid unit id, a seq >= 1 and a note of at most "
                    + "500 characters");
            return "redirect:/console/disputes";
        }
        try {
            Dispute d = disputes.open(principal.getName(), unitId, seq, note == null || note.isBlank() ? null
                    : note.strip());
            flash.addFlashAttribute("notice", "Dispute " + d.id() + " opened on " + unitId + " seq " + seq + ".");
        } catch (ConflictException | NotFoundException e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/console/disputes";
    }
}
