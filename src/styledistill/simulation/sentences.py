"""What the simulated teacher says, sentence by sentence: neutral text around the planted pivots.

No sentence here holds a phrase of the r1 or paper lexicon (a test checks), so every pivot a measurement finds in a
simulated trace is one the simulator planted. Stage cues (stage_cues.yaml) are used as R1 uses them: framing restates
the task, exploration tries, verification checks, synthesis concludes.
"""

from __future__ import annotations

RESTATE = "Okay, so I need to figure out the answer to this: {question}"
FRAMING = (
    "The problem gives all the numbers I need.",
    "Let me read the numbers carefully before doing anything.",
    "The goal is a single number at the end.",
    "I need to keep track of each quantity as I go.",
    "So we have {count} numbers to work with: {numbers}.",
    "I want to be careful about what exactly is being asked.",
    "Nothing in the problem is hidden, so I can set it up directly.",
)
CONNECTIVES = ("First", "Next", "Then", "After that", "From there")
STEP = "{connective}, {expr} = {value}."
WRONG_STEP = "{connective}, {expr} = {wrong}."
EXPLORATION = (
    "I will try the straightforward route first.",
    "The direct approach should work here.",
    "I can keep the intermediate results as I go.",
    "It helps to write each partial result down.",
    "I could also split the numbers differently, but this order is fine.",
    "One way in is to handle the numbers one at a time.",
    "I will try to keep the arithmetic simple.",
    "The trick is to do it in parts.",
)
VERIFICATION = (
    "Checking the step {expr} again gives {value}.",
    "Going back over {expr}, I get {value}, which is consistent.",
    "Recomputing {expr} confirms {value}.",
    "Plugging the numbers in again, {expr} = {value}.",
    "The check on {expr} comes out to {value} again.",
    "I should check {expr} before trusting it: it gives {value}.",
)
SYNTHESIS = (
    "To recap, I worked out each part and combined them.",
    "Overall, each step follows from the one before.",
    "In summary, the steps lead to {final}.",
    "All together, the pieces fit.",
    "That is the last piece I needed.",
    "To conclude, the result is {final}.",
)
FINAL = "The answer is {final}."
ANSWER = "The answer is $\\boxed{{{final}}}$."

# Pivot sentences: the pivot phrase opens the sentence, a comma follows (so it meets every position rule).
PIVOT = {
    "exploration": ("{pivot}, I can work through the numbers one piece at a time.",
                    "{pivot}, I can break the calculation into smaller parts.",
                    "{pivot}, I can go through the quantities in order."),
    "verification": ("{pivot}, {expr} = {value}.",),
    "integration": ("{pivot}, the steps give {final}.",),
}
# A phrase that ends in a verb reads with the value right after it ("So the answer is 12.").
PIVOT_BEFORE_VALUE = "{pivot} {final}."
CORRECTION = "{pivot}, no: {expr} is {value}, not {wrong}."
PAUSE = ("{pivot}, let me look at that once more.", "{pivot}, let me slow down here.")
