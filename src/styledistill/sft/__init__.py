"""Stage train_sft: supervised fine-tuning of a student on one variant's examples.

`recipe` loads and checks a family's recipe (no heavy imports), `data` tokenises conversations with the student's
chat template and masks everything but the assistant turn, `train` runs the Hugging Face Trainer with auto-resume.
This file imports nothing, so the recipe checks run without torch.
"""
