#!/usr/bin/env bash
# Seed the fuzz corpora from the fixtures and the shared corpus (not committed: they are copies).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/aws_cli corpus/terraform corpus/pipeline corpus/cloudformation corpus/terraform_sources
i=0
while IFS= read -r f; do
  i=$((i + 1)); cp "$f" "corpus/aws_cli/seed$i.json"; cp "$f" "corpus/pipeline/seed$i.json"
done < <(find ../fixtures ../../shared/corpus -name '*.json' -size -200k 2>/dev/null | sort)
while IFS= read -r f; do
  i=$((i + 1)); cp "$f" "corpus/terraform/seed$i.json"
done < <(find ../fixtures ../../shared/corpus \( -name 'plan.json' -o -name '*tfplan*.json' -o -name 'plan.out.json' \) 2>/dev/null | sort)
while IFS= read -r f; do
  i=$((i + 1)); cp "$f" "corpus/cloudformation/seed$i.${f##*.}"
done < <(grep -rlE 'AWSTemplateFormatVersion|AWS::EC2::' ../fixtures ../../shared/corpus --include='*.yaml' --include='*.yml' --include='*.json' --include='*.template' 2>/dev/null | sort)
while IFS= read -r f; do
  i=$((i + 1)); cp "$f" "corpus/terraform_sources/seed$i.tf"
done < <(find ../fixtures ../../shared/corpus -name '*.tf' -size -100k 2>/dev/null | sort)
echo "seeded $(ls corpus/aws_cli | wc -l) / $(ls corpus/terraform | wc -l) / $(ls corpus/pipeline | wc -l) / $(ls corpus/cloudformation | wc -l) / $(ls corpus/terraform_sources | wc -l) inputs"
