package io.maskgate.service.console.live;

import java.util.Set;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/** Renders one tile's inner HTML with the same Thymeleaf fragment the page uses (escaped like every page). */
@Component
class TileRenderer {

    private final ITemplateEngine templates;

    TileRenderer(ITemplateEngine templates) {
        this.templates = templates;
    }

    String render(TileView tile) {
        Context context = new Context();
        context.setVariable("t", tile);
        return templates.process("console/tile", Set.of("tile-body"), context);
    }
}
