# Stage grade: the dataset's grader against the gold answer, per trace; a second opinion and the audit of where
# they disagree.


rule grade:
    input:
        paths.TRACES,
    output:
        graded=paths.GRADED,
        audit=paths.GRADE_AUDIT["table"],
        audit_md=report(
            paths.GRADE_AUDIT["markdown"],
            caption="../report/grade_audit.rst",
            category="Grading",
            subcategory="{teacher}/{dataset}",
        ),
    log:
        "logs/grade/{teacher}/{dataset}.log",
    conda:
        "../../envs/grade.yaml"
    threads: STUDY.grade.threads
    resources:
        mem_mb=mem_mb("grade"),
        runtime=runtime("grade"),
    params:
        spec=lambda w: specs.grade(STUDY, w.dataset),
    shell:
        "python -m styledistill.cli.grade --spec {params.spec:q} --traces {input} --out {output.graded}"
        " --audit {output.audit} --audit-md {output.audit_md} --threads {threads} > {log} 2>&1"
