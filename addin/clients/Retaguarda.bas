Attribute VB_Name = "Retaguarda"
' Retaguarda: the buttons of the desktop add-in (open-source xlwings, RunPython).
' Import this file in the VBA editor (File > Import File), with the xlwings reference set
' (Tools > References > xlwings), then assign each macro to a button. See docs/excel.md.

Sub Validar()
    RunPython "from retaguarda.addin import scripts; scripts.validar()"
End Sub

Sub LimparMarcacoes()
    RunPython "from retaguarda.addin import scripts; scripts.limpar_marcacoes()"
End Sub

Sub Conciliar()
    RunPython "from retaguarda.addin import scripts; scripts.conciliar()"
End Sub

Sub Relatorios()
    RunPython "from retaguarda.addin import scripts; scripts.relatorios()"
End Sub

Sub CalcularFolha()
    RunPython "from retaguarda.addin import scripts; scripts.calcular_folha()"
End Sub
