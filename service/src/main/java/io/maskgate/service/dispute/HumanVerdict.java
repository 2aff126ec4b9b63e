package io.maskgate.service.dispute;

/** What a person saw on a disputed crop. UNCLEAR settles the dispute without making it a training example. */
public enum HumanVerdict {
    MASK,
    NO_MASK,
    UNCLEAR
}
