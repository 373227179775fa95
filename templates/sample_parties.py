"""Who and what the sample workbooks are about: suppliers, customers, people, products, and
random but valid identifiers, days and amounts drawn from a seeded generator.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from retaguarda.validators.identifiers import (
    cnpj_check_digits,
    cpf_check_digits,
    format_cnpj,
    format_cpf,
    pis_check_digit,
)

#: clean data never goes past this day, so that it never becomes `date.future`
LAST_DAY = date(2026, 10, 31)
FIRST_DAY = date(2026, 1, 2)
CENT = Decimal("0.01")

SUPPLIERS = (
    "Papelaria Central Ltda",
    "Distribuidora Alvorada S.A.",
    "Transportadora Rápida Ltda",
    "Embalagens Paulista Ltda",
    "Café Serra Azul Comércio Ltda",
    "Limpa Bem Produtos de Limpeza Ltda",
    "Tecno Informática e Serviços Ltda",
    "Gráfica Nova Era Ltda",
    "Imobiliária Horizonte Ltda",
    "Energia Sul Distribuidora S.A.",
    "Telecom Brasil Conecta S.A.",
    "Contabilidade Exata Ltda",
)
CUSTOMERS = (
    "Mercado Bom Preço Ltda",
    "Padaria Pão Dourado Ltda",
    "Hotel Mar Azul Ltda",
    "Restaurante Sabor Caseiro Ltda",
    "Escola Aprender Mais Ltda",
    "Clínica Vida Saudável Ltda",
    "Construtora Pedra Forte S.A.",
    "Farmácia Popular do Bairro Ltda",
)
PEOPLE = (
    "Ana Paula Ferreira",
    "Bruno Henrique Souza",
    "Carla Regina Oliveira",
    "Diego Martins Costa",
    "Eduarda Lima Santos",
    "Felipe Augusto Rocha",
    "Gabriela Nunes Almeida",
    "Henrique Batista Gomes",
    "Isabela Cristina Araújo",
    "João Victor Ribeiro",
    "Karina Mendes Barbosa",
    "Lucas Gabriel Carvalho",
    "Mariana Teixeira Dias",
    "Nicolas Pereira Moraes",
    "Olívia Cardoso Freitas",
    "Paulo Roberto Correia",
    "Rafaela Castro Pinto",
    "Sérgio Luiz Monteiro",
    "Tatiane Rodrigues Lopes",
    "Vinícius Azevedo Cunha",
)
ROLES = (
    ("Auxiliar administrativo", 1900),
    ("Assistente financeiro", 2800),
    ("Analista contábil", 4600),
    ("Vendedor", 2400),
    ("Estoquista", 2100),
    ("Gerente de loja", 7200),
    ("Coordenador financeiro", 9800),
)
BANKS = ("001", "033", "104", "237", "341", "260", "077")
PRODUCTS = (
    ("CAF-500", "Café torrado e moído 500 g", "0901.21.00", Decimal("14.9000")),
    ("ACU-1KG", "Açúcar cristal 1 kg", "1701.99.00", Decimal("4.3500")),
    ("BIS-200", "Biscoito de polvilho 200 g", "1905.31.00", Decimal("5.1000")),
    ("AGU-15L", "Água mineral sem gás 1,5 L", "2201.10.00", Decimal("2.2000")),
    ("SAB-90", "Sabonete em barra 90 g", "3401.11.90", Decimal("1.7500")),
    ("PAP-4R", "Papel higiênico folha dupla 4 rolos", "4818.10.00", Decimal("6.8000")),
    ("CAD-96", "Caderno universitário 96 folhas", "4820.20.00", Decimal("9.4000")),
    ("SAC-50", "Saco plástico 50 L com 100", "3923.21.90", Decimal("18.6000")),
    ("CAR-USB", "Carregador USB 20 W", "8504.40.10", Decimal("39.0000")),
    ("PEN-64", "Pen drive 64 GB", "8523.51.10", Decimal("32.5000")),
)
WAREHOUSES = ("Depósito Central", "Loja Centro")


def random_cnpj(rng: random.Random, alphanumeric: bool = False) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if alphanumeric else "0123456789"
    root = "".join(rng.choice(alphabet) for _ in range(8))
    first12 = root + "0001"
    return format_cnpj(first12 + cnpj_check_digits(first12))


def random_cpf(rng: random.Random) -> str:
    first9 = "".join(rng.choice("0123456789") for _ in range(9))
    v = first9 + cpf_check_digits(first9)
    if len(set(v)) == 1:
        return random_cpf(rng)
    return format_cpf(v)


def random_pis(rng: random.Random) -> str:
    first10 = "1" + "".join(rng.choice("0123456789") for _ in range(9))
    v = first10 + pis_check_digit(first10)
    return f"{v[:3]}.{v[3:8]}.{v[8:10]}-{v[10]}"


def random_day(rng: random.Random, start: date = FIRST_DAY, end: date = LAST_DAY) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def random_money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randrange(low * 100, high * 100)) / 100).quantize(CENT)
